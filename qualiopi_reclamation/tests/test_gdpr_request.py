import base64
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import QualiopiHttpCommon


@tagged("post_install", "-at_install")
class TestGdprRequest(QualiopiHttpCommon):
    """A person's request from their contact: a manager exports what the
    register holds about them, then anonymises their closed records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_plain = new_test_user(cls.env, login="plain_employee", groups="base.group_user")
        cls.other = cls.env["res.partner"].create(
            {"name": "Paul Autre", "email": "paul.autre@example.com"}
        )
        cls.closed = cls.env["helpdesk.ticket"].create(
            cls._complaint_values(
                name="Convocation tardive",
                description="<p>Je n'ai reçu la convocation que la veille.</p>",
                partner_phone="+33 6 99 88 77 66",
            )
        )
        cls.closed.message_post(
            body="<p>Merci de votre retour, Marie.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.trainee.ids,
        )
        # Filed from the public form with her address, never linked.
        cls.unlinked = cls.env["helpdesk.ticket"].create(
            cls._complaint_values(
                name="Attestation manquante",
                partner_id=False,
                partner_name="Marie D.",
                partner_email="Marie.Durand@example.com",
                qualiopi_nature="difficulty",
                qualiopi_difficulty_handling="Attestation renvoyée",
            )
        )
        cls.other_ticket = cls.env["helpdesk.ticket"].create(
            cls._complaint_values(name="Salle froide", partner_id=cls.other.id)
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def _close(self, *tickets):
        for ticket in tickets:
            if ticket.qualiopi_nature == "complaint":
                self._record_answer(ticket)
            ticket.stage_id = self.stage_done

    def _wizard(self, user=None, partner=None):
        action = (
            (partner or self.trainee)
            .with_user(user or self.user_manager)
            .action_qualiopi_gdpr_request()
        )
        return self._action_form(action, user or self.user_manager).save()

    def test_export_contents(self):
        wizard = self._wizard()
        self.assertEqual(wizard.ticket_ids, self.closed | self.unlinked)
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"id={wizard.id}", action["url"])
        data = json.loads(base64.b64decode(wizard.export_file))
        self.assertEqual(data["person"]["email"], "marie.durand@example.com")
        by_number = {record["number"]: record for record in data["records"]}
        self.assertEqual(set(by_number), {self.closed.number, self.unlinked.number})
        record = by_number[self.closed.number]
        self.assertEqual(record["name"], "Convocation tardive")
        self.assertIn("convocation que la veille", record["description"])
        self.assertEqual(record["partner_phone"], "+33 6 99 88 77 66")
        self.assertEqual(record["qualiopi_nature"], "Complaint")
        bodies = " ".join(message["body"] or "" for message in record["messages"])
        self.assertIn("Merci de votre retour", bodies)
        self.assertEqual(by_number[self.unlinked.number]["partner_name"], "Marie D.")
        self.assertNotIn("Salle froide", json.dumps(data))
        # The export is itself logged on the records.
        self.assertIn("right of access", self.closed.message_ids[0].body)

    def test_export_downloaded_by_the_manager_only(self):
        wizard = self._wizard()
        wizard.action_export()
        url = wizard.action_export()["url"]
        self._login(self.user_manager)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.closed.number, response.text)
        self._login(self.user_qualiopi)
        response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(self.closed.number, response.text)

    def test_erasure_refused_while_a_record_is_open(self):
        wizard = self._wizard()
        with self.assertRaisesRegex(UserError, "not closed yet"):
            wizard.action_anonymise()
        self.assertFalse(self.closed.qualiopi_anonymised_date)
        self.assertEqual(self.closed.partner_id, self.trainee)

    def test_erasure_of_closed_records(self):
        self._close(self.closed, self.unlinked)
        number = self.closed.number
        wizard = self._wizard()
        result = wizard.action_anonymise()
        self.assertEqual(result["params"]["type"], "success")
        for ticket in self.closed | self.unlinked:
            self.assertTrue(ticket.qualiopi_anonymised_date)
            self.assertFalse(ticket.partner_id or ticket.partner_email or ticket.partner_name)
        self.assertEqual(self.closed.number, number)
        self.assertEqual(self.closed.qualiopi_nature, "complaint")
        self.assertFalse(self.closed.message_ids.filtered(lambda m: "Marie" in (m.body or "")))
        self.assertIn("right of erasure", self.closed.message_ids[0].body)
        # Other people's records are untouched; a second request finds nothing.
        self.assertFalse(self.other_ticket.qualiopi_anonymised_date)
        self.assertEqual(self.other_ticket.partner_id, self.other)
        with self.assertRaisesRegex(UserError, "no record left"):
            self._wizard().action_anonymise()

    def test_refused_to_non_managers_over_rpc(self):
        for user in (self.user_qualiopi, self.user_auditor, self.user_plain):
            self.assertRefusedOverRpc(
                AccessError,
                "Qualiopi manager",
                user,
                "res.partner",
                "action_qualiopi_gdpr_request",
                [self.trainee.ids],
            )
            self.assertRefusedOverRpc(
                AccessError,
                "not allowed|Qualiopi manager",
                user,
                "qualiopi.gdpr.request.wizard",
                "create",
                [{"partner_id": self.trainee.id}],
            )
        self.assertFalse(self.env["qualiopi.gdpr.request.wizard"].search_count([]))
        # Nor can a user reach the anonymiser itself.
        with self.assertRaises(AccessError):
            self.closed.with_user(self.user_qualiopi)._qualiopi_anonymise()
        wizard = self._wizard()
        self.assertRefusedOverRpc(
            AccessError,
            ".",
            self.user_qualiopi,
            "qualiopi.gdpr.request.wizard",
            "action_anonymise",
            [wizard.ids],
        )

    def test_wizard_form_opens_for_manager(self):
        action = self.trainee.with_user(self.user_manager).action_qualiopi_gdpr_request()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .with_context(**action["context"])
        )
        self.assertEqual(form.ticket_count, 2)
