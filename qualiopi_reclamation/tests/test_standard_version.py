import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools.evidence_pack_files import _index_html
from .common import QualiopiCommon, QualiopiHttpCommon


@tagged("post_install", "-at_install")
class TestStandardVersion(QualiopiCommon):
    """The national standard's versions are data: which one is in force on a
    date, its indicators' numbers, and the report citing them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Version = cls.env["qualiopi.standard.version"]
        cls.v2021 = cls.env.ref("qualiopi_reclamation.standard_version_2021")
        cls.v2026 = cls.env.ref("qualiopi_reclamation.standard_version_2026")

    def _wizard(self):
        return (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_auditor)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        )

    def _html(self, wizard):
        return (
            self.env["ir.actions.report"]
            .with_user(self.user_auditor)
            ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
            .decode()
        )

    def test_version_in_force_by_date(self):
        Version = self.Version
        self.assertFalse(Version._qualiopi_in_force("2021-12-31"), "none before 2022")
        self.assertEqual(Version._qualiopi_in_force("2022-01-01"), self.v2021)
        self.assertEqual(Version._qualiopi_in_force(datetime.date(2026, 10, 31)), self.v2021)
        self.assertEqual(Version._qualiopi_in_force(datetime.date(2026, 11, 1)), self.v2026)
        self.assertEqual(
            Version._qualiopi_in_force(datetime.datetime(2027, 3, 1, 8, 0)), self.v2026
        )
        with freeze_time("2026-10-31 12:00:00"):
            self.assertEqual(Version._qualiopi_in_force(), self.v2021)
        with freeze_time("2026-11-02 12:00:00"):
            self.assertEqual(Version._qualiopi_in_force(), self.v2026)
        # An archived version is no longer cited.
        self.v2026.active = False
        self.assertEqual(Version._qualiopi_in_force("2026-12-01"), self.v2021)

    def test_indicator_numbers(self):
        number = self.Version._qualiopi_indicator_number
        self.assertEqual(number("complaints", "2025-05-01"), 31)
        self.assertEqual(number("improvement", "2025-05-01"), 32)
        self.assertFalse(number("risk_analysis", "2025-05-01"), "not in the 2021 version")
        self.assertFalse(number("harassment_prevention", "2025-05-01"))
        self.assertEqual(number("risk_analysis", "2026-11-01"), 32)
        self.assertEqual(number("harassment_prevention", "2026-11-01"), 12)
        self.assertEqual(number("complaints", "2026-11-01"), 31)
        self.assertFalse(number("complaints", "2021-06-01"), "no version in force")

    def test_report_cites_the_version_of_the_audit_date(self):
        wizard = self._wizard()
        with freeze_time("2026-06-15 10:00:00"):
            html = self._html(wizard)
        self.assertIn("Qualiopi indicator 31: complaints, difficulties and hazards", html)
        self.assertIn("Référentiel national qualité (2021)", html)
        self.assertIn("Décret n° 2019-565 du 6 juin 2019", html)
        self.assertIn("5. Improvement actions (indicator 32)", html)
        with freeze_time("2026-12-02 10:00:00"):
            html = self._html(wizard)
        self.assertIn("Référentiel national qualité (2026)", html)
        self.assertIn("Décret n° 2026-728 du 1er août 2026", html)
        self.assertNotIn("Référentiel national qualité (2021)", html)

    @freeze_time("2026-12-02 10:00:00")
    def test_renumbered_indicator_needs_no_code(self):
        """A new numbering is data: the report's title, headings and stamp
        follow it."""
        indicators = self.v2026.indicator_ids
        indicators.filtered(lambda i: i.key == "complaints").number = 35
        indicators.filtered(lambda i: i.key == "improvement").number = 36
        indicators.filtered(lambda i: i.key == "risk_analysis").number = 37
        wizard = self._wizard()
        html = self._html(wizard)
        self.assertIn("Qualiopi indicator 35: complaints, difficulties and hazards", html)
        self.assertIn("5. Improvement actions (indicator 36)", html)
        self.assertIn("Quality risk analysis (indicator 37)", html)
        self.assertNotIn("indicator 31", html)
        self.assertNotIn("indicator 32", html)
        left, _right = wizard._qualiopi_pdf_stamp()
        self.assertIn("indicator 35 audit report", left)
        # A later version, recorded by a manager, is cited from its date on.
        self.Version.with_user(self.user_manager).create(
            {
                "name": "Référentiel national qualité (2027)",
                "decree": "Décret de test",
                "date_from": "2027-01-01",
                "indicator_ids": [
                    Command.create({"number": 29, "key": "complaints", "name": "Réclamations"}),
                ],
            }
        )
        self.assertIn("indicator 35", self._html(wizard))
        with freeze_time("2027-01-04 10:00:00"):
            html = self._html(wizard)
        self.assertIn("Qualiopi indicator 29: complaints", html)
        self.assertIn("Décret de test", html)
        # Its improvement indicator is not recorded: the heading has no number.
        self.assertIn("5. Improvement actions</h3>", html)

    @freeze_time("2026-12-02 10:00:00")
    def test_evidence_pack_cites_the_version(self):
        pack = self.env["qualiopi.evidence.pack"].create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        header = pack._qualiopi_manifest_header()
        self.assertEqual(header["title"], "Qualiopi indicator 31: evidence pack")
        self.assertEqual(header["standard"]["version"], "Référentiel national qualité (2026)")
        self.assertEqual(header["standard"]["in_force_from"], "2026-11-01")
        self.assertEqual(header["standard"]["indicators"]["risk_analysis"], 32)
        # The index cites it, escaped like every name in it.
        labels = {
            "lang": "en",
            "generated": "Generated on %(date)s by %(user)s",
            "check": "Check",
            "file": "File",
            "path": "Path",
            "size": "Size",
            "standard": "National standard: %(version)s (%(decree)s), in force from %(date)s",
        }
        self.v2026.decree = "Décret <b>n° 2026-728</b>"
        index = _index_html(pack._qualiopi_manifest_header(), [], labels)
        self.assertIn(
            "National standard: Référentiel national qualité (2026) (Décret &lt;b&gt;n° "
            "2026-728&lt;/b&gt;), in force from 2026-11-01",
            index,
        )
        self.v2026.indicator_ids.filtered(lambda i: i.key == "complaints").number = 35
        header = pack._qualiopi_manifest_header()
        self.assertEqual(header["title"], "Qualiopi indicator 35: evidence pack")
        self.assertIn(
            "<h1>Qualiopi indicator 35: evidence pack</h1>", _index_html(header, [], labels)
        )

    def test_french(self):
        """The indicators' names are translated; the version's name is the
        standard's own."""
        self.env["res.lang"]._activate_lang("fr_FR")
        complaints = self.v2026.indicator_ids.filtered(lambda i: i.key == "complaints")
        self.assertEqual(
            complaints.with_context(lang="fr_FR").name,
            "Traitement des difficultés, des réclamations et des aléas",
        )
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        title = Report.with_context(lang="fr_FR")._qualiopi_standard_title(31)
        self.assertEqual(title, "Qualiopi indicateur 31 : réclamations, difficultés et aléas")
        wizard = self._wizard()
        wizard.lang = "fr_FR"
        with freeze_time("2026-12-02 10:00:00"):
            html = (
                self.env["ir.actions.report"]
                .with_user(self.user_auditor)
                .with_context(lang="fr_FR")
                ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
                .decode()
            )
        for french in (
            "Qualiopi indicateur 31 : réclamations, difficultés et aléas",
            "Audité selon le",
            "Référentiel national qualité (2026)",
            "5. Actions d'amélioration (indicateur 32)",
            "Analyse des risques qualité (indicateur 32)",
        ):
            self.assertIn(french, html)


@tagged("post_install", "-at_install")
class TestStandardVersionOverRpc(QualiopiHttpCommon):
    """Read-only for every Qualiopi group but the manager."""

    def test_only_managers_write(self):
        version = self.env.ref("qualiopi_reclamation.standard_version_2026")
        indicator = version.indicator_ids.filtered(lambda i: i.key == "complaints")
        for user in (self.user_auditor, self.user_qualiopi):
            reply = self._call_kw(
                user, "qualiopi.standard.version", "read", [[version.id], ["name"]]
            )
            self.assertEqual(reply["result"][0]["name"], version.name)
            self.assertRefusedOverRpc(
                AccessError,
                "not allowed to modify",
                user,
                "qualiopi.standard.indicator",
                "write",
                [[indicator.id], {"number": 99}],
            )
            self.assertRefusedOverRpc(
                AccessError,
                "not allowed to create",
                user,
                "qualiopi.standard.version",
                "create",
                [{"name": "Faux référentiel", "date_from": "2020-01-01"}],
            )
        self.assertEqual(indicator.number, 31)
        self.assertFalse(
            self.env["qualiopi.standard.version"].search([("name", "=", "Faux référentiel")])
        )
        reply = self._call_kw(
            self.user_manager,
            "qualiopi.standard.indicator",
            "write",
            [[indicator.id], {"number": 34}],
        )
        self.assertTrue(reply.get("result"), reply)
        self.assertEqual(indicator.number, 34)
