import datetime
import importlib.util
import io
import zipfile
from pathlib import Path

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import QualiopiHttpCommon

HEALTH = "Dyslexie sévère : tiers-temps et supports en police adaptée"


@tagged("post_install", "-at_install")
class TestDisabilityReferent(QualiopiHttpCommon):
    """The company's disability referent owns the records about disability or
    accessibility; their health details are read by the referent and the
    managers only, over RPC as in the interface, and are printed nowhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.referent = new_test_user(
            cls.env,
            login="referent_handicap",
            name="Rachida Référente",
            email="rachida@example.com",
            groups="qualiopi_reclamation.group_qualiopi_user",
        )
        cls.user_plain = new_test_user(cls.env, login="plain_employee", groups="base.group_user")
        cls.cause_disability = cls.env.ref("qualiopi_reclamation.cause_category_accessibility")
        cls.group_referent = cls.env.ref("qualiopi_reclamation.group_qualiopi_disability_referent")
        cls.company.qualiopi_disability_referent_id = cls.referent

    def _difficulty(self, **values):
        return self._create_complaint(
            qualiopi_nature="difficulty",
            name="Aménagement des évaluations",
            user_id=self.user_qualiopi.id,
            **values,
        )

    def test_referent_put_in_group_and_taken_out(self):
        self.assertIn(self.referent, self.group_referent.users)
        other = new_test_user(
            self.env, login="autre_referent", groups="qualiopi_reclamation.group_qualiopi_user"
        )
        self.company.qualiopi_disability_referent_id = other
        self.assertIn(other, self.group_referent.users)
        self.assertNotIn(self.referent, self.group_referent.users)

    def test_accessibility_category_is_flagged(self):
        self.assertTrue(self.cause_disability.is_disability)
        self.assertFalse(self.cause_content.is_disability)

    def test_migration_flags_the_accessibility_category(self):
        path = Path(__file__).parents[1] / "migrations" / "18.0.1.4.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("qualiopi_post_migrate_1_4_0", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.cause_disability.is_disability = False
        self.env.flush_all()
        module.migrate(self.env.cr, "18.0.1.3.0")
        self.cause_disability.invalidate_recordset()
        self.assertTrue(self.cause_disability.is_disability)
        self.assertFalse(self.cause_content.is_disability)

    def test_referent_owns_on_creation(self):
        ticket = self._difficulty(qualiopi_cause_category_id=self.cause_disability.id)
        self.assertEqual(ticket.user_id, self.referent)
        self.assertTrue(ticket.qualiopi_is_disability)

    def test_referent_owns_when_category_set(self):
        ticket = self._difficulty(user=self.user_qualiopi)
        self.assertEqual(ticket.user_id, self.user_qualiopi)
        ticket.with_user(self.user_qualiopi).qualiopi_cause_category_id = self.cause_content
        self.assertEqual(ticket.user_id, self.user_qualiopi)
        ticket.with_user(self.user_qualiopi).qualiopi_cause_category_id = self.cause_disability
        self.assertEqual(ticket.user_id, self.referent)

    def test_no_referent_keeps_owner(self):
        self.company.qualiopi_disability_referent_id = False
        ticket = self._difficulty(qualiopi_cause_category_id=self.cause_disability.id)
        self.assertEqual(ticket.user_id, self.user_qualiopi)

    def test_health_details_over_rpc(self):
        ticket = self._difficulty(qualiopi_cause_category_id=self.cause_disability.id)
        ticket.sudo().qualiopi_health_details = HEALTH
        for user in (self.user_qualiopi, self.user_auditor):
            self.assertRefusedOverRpc(
                AccessError,
                "qualiopi_health_details",
                user,
                "helpdesk.ticket",
                "read",
                [ticket.ids, ["qualiopi_health_details"]],
            )
            self.assertRefusedOverRpc(
                AccessError,
                "qualiopi_health_details",
                user,
                "helpdesk.ticket",
                "search_read",
                [[("qualiopi_health_details", "ilike", "Dyslexie")], ["id"]],
            )
            # The auditor may write nothing at all; the user not this field.
            self.assertRefusedOverRpc(
                AccessError,
                "qualiopi_health_details"
                if user == self.user_qualiopi
                else "not allowed to modify",
                user,
                "helpdesk.ticket",
                "write",
                [ticket.ids, {"qualiopi_health_details": "Rien"}],
            )
            # Reading the whole record leaves the field out.
            reply = self._call_kw(user, "helpdesk.ticket", "read", [ticket.ids])
            self.assertEqual(reply["result"][0]["id"], ticket.id)
            self.assertNotIn("qualiopi_health_details", reply["result"][0])
            self.assertNotIn(HEALTH, str(reply))
        self.assertEqual(ticket.sudo().qualiopi_health_details, HEALTH)
        for user in (self.referent, self.user_manager):
            reply = self._call_kw(
                user, "helpdesk.ticket", "read", [ticket.ids, ["qualiopi_health_details"]]
            )
            self.assertEqual(reply["result"][0]["qualiopi_health_details"], HEALTH)
        reply = self._call_kw(
            self.referent,
            "helpdesk.ticket",
            "write",
            [ticket.ids, {"qualiopi_health_details": HEALTH + " (revu)"}],
        )
        self.assertIs(reply["result"], True)
        self.assertEqual(ticket.sudo().qualiopi_health_details, HEALTH + " (revu)")

    def test_health_details_not_in_chatter_nor_report(self):
        ticket = self._difficulty(qualiopi_cause_category_id=self.cause_disability.id)
        ticket.with_user(self.referent).qualiopi_health_details = HEALTH
        self.env.flush_all()
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertFalse(messages.filtered(lambda m: "Dyslexie" in (m.body or "")))
        self.assertFalse(
            messages.tracking_value_ids.filtered(
                lambda v: v.field_id.name == "qualiopi_health_details"
            )
        )
        wizard = (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_manager)
            .create(
                {"date_from": "2026-01-01", "date_to": "2030-12-31", "company_id": self.company.id}
            )
        )
        # The manager prints the report: they may read the field, it is not printed.
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
            .decode()
        )
        self.assertIn(ticket.number, html)
        self.assertNotIn("Dyslexie", html)

    def test_health_details_not_in_evidence_pack(self):
        ticket = self._difficulty(qualiopi_cause_category_id=self.cause_disability.id)
        ticket.with_user(self.referent).qualiopi_health_details = HEALTH
        today = fields.Date.context_today(ticket)
        pack = (
            self.env["qualiopi.evidence.pack"]
            .with_user(self.user_manager)
            .create(
                {
                    "date_from": today - datetime.timedelta(days=30),
                    "date_to": today,
                    "company_id": self.company.id,
                    "lang": "en_US",
                }
            )
        )
        pack.action_build()
        self.env["qualiopi.evidence.pack"]._cron_qualiopi_build_packs()
        self.assertEqual(pack.state, "done", pack.error)
        archive = zipfile.ZipFile(io.BytesIO(pack.attachment_id.raw))
        contents = b"".join(archive.read(name) for name in archive.namelist())
        self.assertIn(ticket.number.encode(), contents)
        self.assertNotIn(b"Dyslexie", contents)

    def test_health_details_hidden_from_the_complainant_portal(self):
        portal = new_test_user(
            self.env, login="portal_trainee", groups="base.group_portal", name="Marie Portail"
        )
        ticket = self._difficulty(
            qualiopi_cause_category_id=self.cause_disability.id, partner_id=portal.partner_id.id
        )
        ticket.sudo().qualiopi_health_details = HEALTH
        reply = self._call_kw(portal, "helpdesk.ticket", "read", [ticket.ids, ["name"]])
        self.assertEqual(reply["result"][0]["name"], ticket.name, "the portal reads its record")
        self.assertRefusedOverRpc(
            AccessError,
            "qualiopi_health_details",
            portal,
            "helpdesk.ticket",
            "read",
            [ticket.ids, ["qualiopi_health_details"]],
        )
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(ticket.number, response.text, "the record's portal page")
        self.assertNotIn("Dyslexie", response.text)
