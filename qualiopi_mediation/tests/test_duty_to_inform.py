from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiRpcMixin

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestDutyToInform(HttpCase, QualiopiRpcMixin, MediationCommon):
    def _ack_mail(self):
        # By recipient, not by subject: the subject is translated.
        return self._new_mails.filtered(lambda m: self.trainee in m.recipient_ids)

    def _answer(self, ticket, body=None, user=None):
        user = user or self.user_qualiopi
        action = ticket.with_user(user).action_qualiopi_send_response()
        composer_form = Form(
            self.env["mail.compose.message"].with_user(user).with_context(**action["context"])
        )
        if body is not None:
            composer_form.body = body
        composer = composer_form.save()
        return composer.with_context(**action["context"]).action_send_mail()

    def _answer_mail(self):
        return self._new_mails.filtered(lambda m: self.trainee in m.recipient_ids)

    @freeze_time("2026-03-02 09:00:00")
    def test_acknowledgement_carries_mediator_and_records_date(self):
        self._set_mediator()
        with self.mock_mail_gateway():
            ticket = self._create_complaint(user=self.user_qualiopi)
            self.env.flush_all()
        mail = self._ack_mail()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.trainee)
        self._assert_notice(mail.body_html)
        self.assertEqual(str(ticket.mediation_informed_date), "2026-03-02 09:00:00")
        self.assertEqual(ticket.mediation_informed_message_id, ticket.ack_message_id)

    @freeze_time("2026-03-02 09:00:00")
    def test_acknowledgement_without_mediator_says_nothing(self):
        with self.mock_mail_gateway():
            ticket = self._create_complaint(user=self.user_qualiopi)
            self.env.flush_all()
        mail = self._ack_mail()
        self.assertEqual(len(mail), 1)
        self._assert_notice(mail.body_html, present=False)
        self.assertNotIn("Mediation", mail.body_html)
        self.assertFalse(ticket.qualiopi_mediation_notice_html)
        self.assertFalse(ticket.mediation_informed_date)

    def test_notice_only_on_complaints(self):
        self._set_mediator()
        difficulty = self._create_complaint(qualiopi_nature="difficulty")
        self.assertFalse(difficulty.qualiopi_mediation_notice_html)
        complaint = self._create_complaint()
        self.assertIn(self.mediator.name, complaint.qualiopi_mediation_notice_html)

    def test_answer_carries_mediator_and_records_date(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        self.assertFalse(ticket.mediation_informed_date, "no mediator yet")
        self._set_mediator()
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket)
            self.env.flush_all()
        mail = self._answer_mail()
        self.assertEqual(len(mail), 1)
        self._assert_notice(mail.body_html)
        self.assertEqual(str(ticket.response_date), "2026-03-05 14:00:00")
        self.assertEqual(str(ticket.mediation_informed_date), "2026-03-05 14:00:00")
        self.assertEqual(ticket.mediation_informed_message_id, ticket.response_message_id)

    def test_answer_without_mediator_says_nothing(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint(qualiopi_founded="founded")
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket)
            self.env.flush_all()
        mail = self._answer_mail()
        self.assertEqual(len(mail), 1)
        self._assert_notice(mail.body_html, present=False)
        self.assertTrue(ticket.response_date)
        self.assertFalse(ticket.mediation_informed_date)

    def test_informed_date_kept_from_first_message(self):
        self._set_mediator()
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        ack_message = ticket.ack_message_id
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket)
        self.assertEqual(str(ticket.mediation_informed_date), "2026-03-02 09:00:00")
        self.assertEqual(ticket.mediation_informed_message_id, ack_message)

    def test_rejecting_answer_refused_without_mediator(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        ticket.qualiopi_founded = "unfounded"
        self.assertTrue(ticket.qualiopi_mediation_required)
        self.assertTrue(ticket.qualiopi_mediator_missing)
        with self._assert_refused(UserError, "No mediator is set"):
            ticket.with_user(self.user_qualiopi).action_qualiopi_send_response()
        # The composer itself refuses too (opened another way).
        self._set_mediator()
        action = ticket.with_user(self.user_qualiopi).action_qualiopi_send_response()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.user_qualiopi)
            .with_context(**action["context"])
        ).save()
        self.company.qualiopi_mediator_id = False
        messages_before = ticket.message_ids
        with self.mock_mail_gateway():
            mails_before = self.env["mail.mail"].search_count([])
            self.assertRefusedOverRpc(
                UserError,
                "No mediator is set",
                self.user_qualiopi,
                "mail.compose.message",
                "action_send_mail",
                [composer.ids],
                {"context": {**action["context"], "lang": "en_US"}},
            )
            self.assertFalse(self._mails, "no email handed to the mail server")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertFalse(ticket.response_date)
        self.assertEqual(ticket.message_ids, messages_before)

    def test_unresolved_answer_keeps_mediator_even_if_removed(self):
        self._set_mediator()
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        ticket.write({"qualiopi_founded": "founded", "qualiopi_unresolved": True})
        self.assertTrue(ticket.qualiopi_mediation_required)
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket, "<p>Nous ne pouvons pas donner suite.</p>")
            self.env.flush_all()
        mail = self._answer_mail()
        self.assertIn("Nous ne pouvons pas donner suite.", mail.body_html)
        self._assert_notice(mail.body_html)
        self.assertIn(self.mediator.name, ticket.response_message_id.body)

    def test_founded_answer_may_drop_the_notice(self):
        self._set_mediator()
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint(partner_id=False, partner_email=False)
        self.assertFalse(ticket.ack_date, "no email: no acknowledgement")
        ticket.write({"qualiopi_founded": "founded", "partner_id": self.trainee.id})
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket, "<p>Le support vous a été renvoyé.</p>")
        self.assertNotIn(self.mediator.name, ticket.response_message_id.body)
        self.assertFalse(ticket.mediation_informed_date)

    def test_informed_by_letter_recorded_with_the_acknowledgement(self):
        self._set_mediator()
        self.company.qualiopi_auto_ack = False
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint(channel_id=self.channel_phone.id)
        with freeze_time("2026-03-03 10:00:00"):
            action = ticket.with_user(self.user_qualiopi).action_qualiopi_record_acknowledgement()
            wizard_form = self._action_form(action, self.user_qualiopi)
            wizard_form.ack_method = "letter"
            wizard_form.mediation_informed = True
            wizard_form.save().action_confirm()
        self.assertEqual(str(ticket.ack_date), "2026-03-03 10:00:00")
        self.assertEqual(str(ticket.mediation_informed_date), "2026-03-03 10:00:00")
        self.assertFalse(ticket.mediation_informed_message_id)
