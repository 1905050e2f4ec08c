import io
import zipfile

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..report import qualiopi_indicator31_columns as columns_mod
from .test_confidential import ConfidentialCommon

SECRETS = ("Propos déplacés", "sexistes", "Victoire Plaignante")


@tagged("post_install", "-at_install")
class TestConfidentialReport(ConfidentialCommon):
    """The audit report reads the register as superuser: a confidential case
    is counted, and printed as an anonymised line unless a referent asks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.partner"].browse(cls.user_complainant.partner_id.id).write(
            {"name": "Victoire Plaignante"}
        )
        cls.ordinary.received_date = "2026-03-02 09:00:00"
        cls.confidential.write(
            {
                "received_date": "2026-03-03 09:00:00",
                "stakeholder_type": "trainee",
                "qualiopi_cause_category_id": cls.cause_content.id,
            }
        )
        cls.report_users = {
            "auditor": cls.user_auditor,
            "Qualiopi manager": cls.user_manager,
            "referent": cls.user_referent,
        }

    @property
    def Report(self):
        return self.env["report.qualiopi_reclamation.report_indicator31"]

    def _wizard(self, user, **values):
        return (
            self.env["qualiopi.indicator31.report"]
            .with_user(user)
            .create(
                {
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "company_id": self.company.id,
                    **values,
                }
            )
        )

    def _html(self, wizard):
        Report = self.env["ir.actions.report"].with_user(wizard.env.user)
        return Report._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[
            0
        ].decode()

    def _xlsx_text(self, wizard):
        Report = self.env["ir.actions.report"].with_user(wizard.env.user)
        content, _type = Report._render_xlsx(
            "qualiopi_reclamation.report_indicator31_xlsx", wizard.ids, None
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        return " ".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )

    def _confidential_line(self, wizard):
        lines = self.Report.with_env(wizard.env)._qualiopi_register_lines(wizard)
        self.assertEqual(len(lines), 2, "both records are in the register")
        return lines, next(line for line in lines if line["id"] == self.confidential.id)

    def _assert_sql_equals_python(self, wizard):
        Report = self.Report.with_env(wizard.env)
        columns = Report._qualiopi_register_columns()
        lines = Report._qualiopi_register_lines(wizard)
        self.assertEqual(
            Report._qualiopi_register_tbody(wizard, columns).decode(),
            str(columns_mod.pdf_tbody(columns, lines)),
        )

    @freeze_time("2026-04-30 10:00:00")
    def test_anonymised_for_everybody_by_default(self):
        for role, user in self.report_users.items():
            # Ticking the option changes nothing for a non-referent.
            for include in (False, True) if role != "referent" else (False,):
                with self.subTest(role=role, include=include):
                    wizard = self._wizard(
                        user, include_confidential=include, event_ids=[Command.set(self.event.ids)]
                    )
                    lines, line = self._confidential_line(wizard)
                    self.assertEqual(line["number"], self.confidential.number)
                    self.assertEqual(line["name"], "Confidential case")
                    self.assertEqual(line["nature"], "Complaint")
                    self.assertTrue(line["received_str"])
                    for key in ("stakeholder", "channel", "session", "cause", "founded"):
                        self.assertFalse(line[key], key)
                    ordinary = next(x for x in lines if x["id"] == self.ordinary.id)
                    self.assertEqual(ordinary["session"], self.event.name)
                    self._assert_sql_equals_python(wizard)
                    figures = self.Report.with_env(wizard.env)._qualiopi_figures(wizard)
                    self.assertEqual(figures["total"], 2, "counted in the figures")
                    self.assertEqual(figures["counted"]["confidential"], 1)
                    html = self._html(wizard)
                    self.assertIn("Confidential case", html)
                    self.assertIn(self.confidential.number, html)
                    xlsx = self._xlsx_text(wizard)
                    self.assertIn(self.confidential.number, xlsx)
                    for secret in SECRETS:
                        self.assertNotIn(secret, html)
                        self.assertNotIn(secret, xlsx)

    @freeze_time("2026-04-30 10:00:00")
    def test_referent_prints_the_details(self):
        wizard = self._wizard(
            self.user_referent,
            include_confidential=True,
            event_ids=[Command.set(self.event.ids)],
        )
        _lines, line = self._confidential_line(wizard)
        self.assertEqual(line["name"], "Propos déplacés du formateur")
        self.assertEqual(line["session"], self.event.name)
        self._assert_sql_equals_python(wizard)
        html = self._html(wizard)
        self.assertIn("Propos déplacés du formateur", html)
        self.assertIn("Propos déplacés du formateur", self._xlsx_text(wizard))

    def test_evidence_pack_leaves_them_out(self):
        with freeze_time("2026-04-30 10:00:00"):
            pack = (
                self.env["qualiopi.evidence.pack"]
                .with_user(self.user_referent)
                .create(
                    {
                        "date_from": "2026-03-01",
                        "date_to": "2026-03-31",
                        "company_id": self.company.id,
                        "lang": "en_US",
                    }
                )
            )
            pack.action_build()
            self.env["qualiopi.evidence.pack"]._cron_qualiopi_build_packs()
        self.assertEqual(pack.state, "done", pack.error)
        archive = zipfile.ZipFile(io.BytesIO(pack.attachment_id.raw))
        names = archive.namelist()
        self.assertFalse([name for name in names if self.confidential.number in name])
        index = archive.read("index.html").decode()
        self.assertIn(self.ordinary.number, index)
        self.assertNotIn(self.confidential.number, index)
        self.assertIn("1 confidential case(s) are not in the session folders", index)
        for name in names:
            if name.endswith((".html", ".csv", ".json", ".eml")):
                text = archive.read(name).decode(errors="replace")
                for secret in SECRETS:
                    self.assertNotIn(secret, text, name)
