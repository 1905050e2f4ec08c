from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestResponse(QualiopiCommon):
    def _answer(self, ticket, body, user=None):
        user = user or self.user_qualiopi
        action = ticket.with_user(user).action_qualiopi_send_response()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_form = Form(
            self.env["mail.compose.message"].with_user(user).with_context(**action["context"])
        )
        self.assertEqual(
            composer_form.template_id,
            self.env.ref("qualiopi_reclamation.mail_template_response"),
        )
        self.assertIn(ticket.number, composer_form.body)
        composer_form.body = body
        composer = composer_form.save()
        return composer.with_context(**action["context"]).action_send_mail()

    @freeze_time("2026-03-02 09:00:00")
    def test_answer_through_composer(self):
        ticket = self._create_complaint()
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket, "<p>Le support vous a été envoyé ce jour.</p>")
            self.env.flush_all()
        self.assertEqual(str(ticket.response_date), "2026-03-05 14:00:00")
        self.assertEqual(ticket.response_user_id, self.user_qualiopi)
        message = ticket.response_message_id
        self.assertIn("Le support vous a été envoyé", message.body)
        self.assertEqual(message.partner_ids, self.trainee)
        to_trainee = self._new_mails.filtered(lambda m: self.trainee in m.recipient_ids)
        self.assertEqual(len(to_trainee), 1)
        self.assertIn("Le support vous a été envoyé", to_trainee.body_html)
        self.assertEqual(ticket.qualiopi_status, "answered")
        ticket.with_user(self.user_qualiopi).stage_id = self.stage_done
        self.assertEqual(ticket.qualiopi_status, "closed")

    def test_empty_answer_refused(self):
        ticket = self._create_complaint()
        with self.assertRaises(UserError):
            self._answer(ticket, "<p><br></p>")
        self.assertFalse(ticket.response_date)

    def test_closing_complaint_without_answer_refused(self):
        ticket = self._create_complaint()
        with self.assertRaises(ValidationError):
            ticket.with_user(self.user_qualiopi).stage_id = self.stage_done
        with self.assertRaises(ValidationError):
            self.env["helpdesk.ticket"].create(self._complaint_values(stage_id=self.stage_done.id))

    def test_hazard_closing_needs_measure_and_information(self):
        hazard = self._create_complaint(
            qualiopi_nature="hazard", stakeholder_type="trainer", partner_id=False
        )
        self.assertFalse(hazard.ack_deadline, "a hazard has no acknowledgement")
        with self.assertRaises(ValidationError):
            hazard.stage_id = self.stage_done
        hazard.qualiopi_hazard_measure = "Formateur remplaçant dès 10h."
        with self.assertRaises(ValidationError):
            hazard.stage_id = self.stage_done
        hazard.qualiopi_hazard_informed_trainees = True
        hazard.stage_id = self.stage_done
        self.assertEqual(hazard.qualiopi_status, "closed")

    def test_difficulty_closing_needs_handling(self):
        difficulty = self._create_complaint(qualiopi_nature="difficulty")
        self.assertFalse(difficulty.ack_deadline)
        self.assertTrue(difficulty.response_deadline)
        with self.assertRaises(ValidationError):
            difficulty.stage_id = self.stage_done
        difficulty.qualiopi_difficulty_handling = "Aménagement des horaires."
        difficulty.stage_id = self.stage_done
        self.assertTrue(difficulty.closed)
