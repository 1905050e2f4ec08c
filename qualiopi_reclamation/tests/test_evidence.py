import base64
import io

import openpyxl
from freezegun import freeze_time

from odoo import fields, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestEvidence(QualiopiCommon):
    """Evidence is recorded, not typed; dates are set once; a manager corrects
    them with a reason."""

    def setUp(self):
        super().setUp()
        self.company.qualiopi_auto_ack = False

    def _record_answer_wizard(self, ticket, user=None, **values):
        action = ticket.with_user(user or self.user_qualiopi).action_qualiopi_record_response()
        wizard_form = self._action_form(action, user or self.user_qualiopi)
        for name, value in values.items():
            setattr(wizard_form, name, value)
        return wizard_form.save()

    @freeze_time("2026-03-05 10:00:00")
    def test_typed_answer_date_never_closes(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        # Even written by the server (an import, a script), a bare date proves
        # nothing: the complaint stays open.
        ticket.write({"response_date": "2026-03-04 10:00:00"})
        with self.assertRaises(ValidationError):
            ticket.stage_id = self.stage_done
        with self.assertRaises(ValidationError):
            ticket.write({"response_method": "letter", "stage_id": self.stage_done.id})

    @freeze_time("2026-03-05 10:00:00")
    def test_answer_evidence_belongs_to_the_record(self):
        answered = self._create_complaint(received_date="2026-03-02 09:00:00")
        message = self._record_answer(answered)
        values = self._complaint_values(
            received_date="2026-03-02 09:00:00",
            response_date="2026-03-04 10:00:00",
            response_method="email",
            response_message_id=message.id,
        )
        # Created by a user (as an import would) with another record's answer:
        # the message is not linked, the answer is marked as imported evidence.
        ticket = self.env["helpdesk.ticket"].with_user(self.user_qualiopi).create(values)
        self.assertFalse(ticket.response_message_id)
        self.assertTrue(ticket.qualiopi_imported)
        answered.with_user(self.user_qualiopi).stage_id = self.stage_done
        self.assertTrue(answered.stage_id.closed)

    @freeze_time("2026-03-05 10:00:00")
    def test_answer_by_letter_needs_its_scan(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        wizard = self._record_answer_wizard(ticket, response_method="phone")
        wizard.response_note = "Appel de 10 minutes"
        with self.assertRaises(UserError):
            wizard.action_confirm()  # a complaint is answered in writing
        wizard = (
            self.env["qualiopi.response.wizard"]
            .with_user(self.user_qualiopi)
            .create({"ticket_id": ticket.id, "response_method": "letter"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()  # no scan
        self.assertFalse(ticket.response_date)
        wizard = self._record_answer_wizard(
            ticket,
            response_method="letter",
            response_date="2026-03-04 15:00:00",
            letter_file=base64.b64encode(b"%PDF-1.4 lettre de reponse"),
        )
        wizard.letter_filename = "reponse.pdf"
        wizard.action_confirm()
        self.assertEqual(str(ticket.response_date), "2026-03-04 15:00:00")
        self.assertEqual(ticket.response_method, "letter")
        self.assertEqual(ticket.response_user_id, self.user_qualiopi)
        self.assertEqual(ticket.response_attachment_id.name, "reponse.pdf")
        self.assertIn(ticket.response_attachment_id, ticket.response_message_id.attachment_ids)
        ticket.with_user(self.user_qualiopi).stage_id = self.stage_done
        self.assertTrue(ticket.stage_id.closed)

    @freeze_time("2026-03-05 10:00:00")
    def test_answer_must_reach_the_complainant(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        other = self.env["res.partner"].create({"name": "Tiers", "email": "tiers@example.com"})
        message = ticket.message_post(body="Réponse", partner_ids=other.ids, message_type="comment")
        with self.assertRaises(UserError):
            ticket.with_user(self.user_qualiopi)._qualiopi_record_response(message)
        self.assertFalse(ticket.response_date)

    @freeze_time("2026-03-05 10:00:00")
    def test_acknowledgement_records_who_and_when(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        action = ticket.with_user(self.user_qualiopi).action_qualiopi_record_acknowledgement()
        wizard_form = self._action_form(action, self.user_qualiopi)
        wizard_form.ack_method = "phone"
        wizard_form.ack_date = "2026-03-03 11:00:00"
        wizard_form.user_id = self.user_manager
        wizard_form.ack_note = "Appel de la stagiaire, délai de réponse annoncé"
        wizard_form.save().action_confirm()
        self.assertEqual(str(ticket.ack_date), "2026-03-03 11:00:00")
        self.assertEqual(ticket.ack_user_id, self.user_manager)
        self.assertIn(self.user_manager.name, ticket.message_ids[0].body)
        # The user may not type it afterwards.
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_qualiopi).write({"ack_date": "2026-03-02 10:00:00"})

    @freeze_time("2026-03-05 10:00:00")
    def test_manager_corrects_with_a_reason_logged(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_manager).write({"received_date": "2026-03-01 09:00:00"})
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_qualiopi).action_qualiopi_correct_evidence()
        action = ticket.with_user(self.user_manager).action_qualiopi_correct_evidence()
        wizard_form = self._action_form(action, self.user_manager)
        wizard_form.field_name = "received_date"
        wizard_form.new_date = "2026-02-27 16:00:00"
        wizard_form.reason = "Lettre reçue le vendredi, enregistrée le lundi"
        wizard_form.save().action_confirm()
        self.assertEqual(str(ticket.received_date), "2026-02-27 16:00:00")
        note = ticket.message_ids[0]
        self.assertIn("Lettre reçue le vendredi", note.body)
        for date in ("2026-03-02 09:00:00", "2026-02-27 16:00:00"):  # old and new
            shown = tools.format_datetime(
                self.env, fields.Datetime.to_datetime(date), tz="Europe/Paris"
            )
            self.assertIn(shown, note.body)
        self.assertEqual(note.author_id, self.user_manager.partner_id)
        # A user cannot run the wizard's code either.
        wizard = self.env["qualiopi.evidence.correction.wizard"].create(
            {
                "ticket_id": ticket.id,
                "field_name": "received_date",
                "new_date": "2026-02-26 10:00:00",
                "reason": "x",
            }
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_qualiopi).action_confirm()

    def test_transcription_set_once(self):
        ticket = self._create_complaint(user=self.user_qualiopi, channel_id=self.channel_phone.id)
        self.assertTrue(ticket.qualiopi_transcription_date)
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_qualiopi).write(
                {"qualiopi_transcription_date": "2026-01-01 10:00:00"}
            )
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_qualiopi).write(
                {"qualiopi_transcribed_by_id": self.user_manager.id}
            )

    def test_xlsx_cells_never_formulas_nor_links(self):
        self._create_complaint(
            name='=HYPERLINK("https://evil.example/x","Cliquez")',
            received_date="2026-03-02 09:00:00",
        )
        self._create_complaint(name="=1+1", received_date="2026-03-02 10:00:00")
        self._create_complaint(name="https://evil.example/y", received_date="2026-03-02 11:00:00")
        wizard = self.env["qualiopi.indicator31.report"].create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31", "company_id": self.company.id}
        )
        content, _report_type = self.env["ir.actions.report"]._render_xlsx(
            "qualiopi_reclamation.report_indicator31_xlsx", wizard.ids, None
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = {
            cell.value: cell
            for row in book["Register"].iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        }
        for text in ('=HYPERLINK("https://evil.example/x","Cliquez")', "=1+1"):
            self.assertIn(text, cells)
            self.assertEqual(cells[text].data_type, "s")
        self.assertIn("https://evil.example/y", cells)
        self.assertIsNone(cells["https://evil.example/y"].hyperlink)

    @freeze_time("2026-03-10 10:00:00")
    def test_activity_note_escapes_the_record(self):
        ticket = self._create_complaint(
            name='<a href="https://evil.example">Cliquez ici</a>',
            received_date="2026-03-02 09:00:00",
        )
        self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
        activity = ticket.activity_ids[:1]
        self.assertTrue(activity)
        self.assertNotIn("<a ", str(activity.note))
        self.assertIn("&lt;a href=", str(activity.note))
