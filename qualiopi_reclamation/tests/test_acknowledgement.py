from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestAcknowledgement(QualiopiCommon):
    @freeze_time("2026-03-02 09:00:00")
    def test_auto_acknowledgement_sent_once_to_complainant(self):
        cron = self.env.ref("qualiopi_reclamation.ir_cron_qualiopi_acknowledge")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        with self.mock_mail_gateway():
            ticket = (
                self.env["helpdesk.ticket"]
                .with_user(self.user_qualiopi)
                .create(self._complaint_values())
            )
            self.env.flush_all()
        # Filing waits for no rendering: the email is queued for a job
        # triggered at once.
        self.assertFalse(self._new_mails)
        self.assertTrue(ticket.qualiopi_ack_queued)
        self.assertFalse(ticket.ack_date)
        new_triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
        self.assertEqual(len(new_triggers), 1)
        self.assertLessEqual(new_triggers.call_at, ticket.create_date)
        with self.mock_mail_gateway():
            self._send_queued_acknowledgements()
            self.env.flush_all()
        self.assertFalse(ticket.qualiopi_ack_queued)
        self.assertEqual(ticket.ack_user_id, self.user_qualiopi, "sent as the user who filed it")
        ack_mails = self._new_mails.filtered(
            lambda m: "Acknowledgement of receipt" in (m.subject or "")
        )
        self.assertEqual(len(ack_mails), 1, "exactly one acknowledgement is sent")
        self.assertEqual(ack_mails.recipient_ids, self.trainee)
        body = ack_mails.body_html
        self.assertIn(ticket.number, body)
        self.assertIn("3/2/26", body, "the received date is stated")
        # 10 business days after Monday 2 March is Monday 16 March, 17:00 Paris.
        self.assertIn("3/16/26, 5:00", body, "the answer deadline is stated")
        self.assertEqual(str(ticket.ack_date), "2026-03-02 09:00:00")
        self.assertEqual(ticket.ack_method, "email")
        self.assertEqual(ticket.ack_message_id.model, "helpdesk.ticket")
        self.assertEqual(ticket.ack_message_id.res_id, ticket.id)
        self.assertEqual(ticket.ack_message_id.message_type, "comment")
        self.assertEqual(ticket.qualiopi_status, "acknowledged")

        with self.mock_mail_gateway():
            ticket.with_user(self.user_qualiopi).action_qualiopi_acknowledge()
            self.env.flush_all()
        self.assertFalse(self._new_mails, "acknowledging twice sends nothing")
        self.assertEqual(str(ticket.ack_date), "2026-03-02 09:00:00")

    @freeze_time("2026-03-02 09:00:00")
    def test_typed_address_acknowledged_in_the_company_language(self):
        """A record with no contact (public form, alias) has no language of its
        own: its acknowledgement is in the organisation's."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_reclamation"], ["fr_FR"], overwrite=True
        )
        self.company.partner_id.lang = "fr_FR"
        with self.mock_mail_gateway():
            ticket = self._create_complaint(
                partner_id=False, partner_name="Inconnue", partner_email="inconnue@example.com"
            )
            self.env.flush_all()
        self.assertFalse(ticket.partner_id)
        mail = self._new_mails.filtered(lambda m: ticket.number in (m.subject or ""))
        self.assertEqual(len(mail), 1)
        self.assertIn("Accusé de réception", mail.subject)
        # Odoo's composer addresses the typed email through a recipient contact
        # of its own; the record itself stays unlinked.
        self.assertEqual(mail.recipient_ids.mapped("email_normalized"), ["inconnue@example.com"])

    @freeze_time("2026-03-02 09:00:00")
    def test_complainant_known_by_email_only_is_acknowledged_there(self):
        """The address is acknowledged; no contact is linked on its word (issue 10)."""
        with self.mock_mail_gateway():
            ticket = self._create_complaint(
                partner_id=False,
                partner_name="Jean Nouveau",
                partner_email="jean.nouveau@example.com",
            )
        self.assertFalse(ticket.partner_id)
        self.assertTrue(ticket.ack_date)
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(
            self._new_mails.recipient_ids.mapped("email_normalized"), ["jean.nouveau@example.com"]
        )

    def test_queue_sends_each_acknowledgement_once(self):
        """A complaint acknowledged by hand before the job runs leaves the
        queue unsent; one whose email fails keeps its error, leaves the queue,
        and the others are sent."""
        Ticket = self.env["helpdesk.ticket"]
        by_hand, failing, plain = Ticket.create([self._complaint_values() for _i in range(3)])
        self.assertTrue(all((by_hand | failing | plain).mapped("qualiopi_ack_queued")))
        by_hand.action_qualiopi_acknowledge()
        sent = by_hand.ack_message_id
        original = type(Ticket)._qualiopi_post_template

        def post_template(records, template):
            if failing in records:
                raise UserError("SMTP says no")
            return original(records, template)

        with (
            patch.object(type(Ticket), "_qualiopi_post_template", post_template),
            self.mock_mail_gateway(),
        ):
            self._send_queued_acknowledgements()
            self.env.flush_all()
        self.assertEqual(by_hand.ack_message_id, sent, "not acknowledged twice")
        self.assertTrue(plain.ack_date)
        self.assertEqual(len(self._new_mails), 1, "only the one still due was sent")
        self.assertFalse(failing.ack_date)
        self.assertIn("SMTP says no", failing.qualiopi_cron_error)
        self.assertFalse((by_hand | failing | plain).filtered("qualiopi_ack_queued"))
        with self.mock_mail_gateway():
            self._send_queued_acknowledgements()
        self.assertFalse(self._new_mails, "an empty queue sends nothing")

    def test_no_auto_acknowledgement_when_disabled_or_not_a_complaint(self):
        self.company.qualiopi_auto_ack = False
        with self.mock_mail_gateway():
            complaint = self._create_complaint()
            difficulty = self._create_complaint(qualiopi_nature="difficulty")
        self.assertFalse(complaint.ack_date)
        self.assertFalse(difficulty.ack_date)
        self.assertFalse(self._new_mails)
        self.assertEqual(complaint.qualiopi_status, "new")

    def test_plain_ticket_untouched(self):
        with self.mock_mail_gateway():
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": "Printer out of toner",
                    "description": "<p>Toner</p>",
                    "partner_id": self.trainee.id,
                }
            )
        self.assertFalse(self._new_mails)
        self.assertFalse(ticket.ack_deadline)
        self.assertFalse(ticket.response_deadline)
        self.assertFalse(ticket.is_overdue)
        self.assertFalse(ticket.qualiopi_status)
        ticket.stage_id = self.stage_done
        self.assertTrue(ticket.closed, "a plain ticket closes as before")

    @freeze_time("2026-03-03 11:00:00")
    def test_manual_acknowledgement(self):
        self.trainee.email = False
        ticket = self._create_complaint(
            channel_id=self.channel_phone.id, received_date="2026-03-03 10:00:00"
        )
        self.assertFalse(ticket.ack_date, "no email: nothing sent automatically")
        with self.assertRaises(UserError):
            ticket.action_qualiopi_acknowledge()
        action = ticket.with_user(self.user_qualiopi).action_qualiopi_record_acknowledgement()
        wizard_form = self._action_form(action, self.user_qualiopi)
        wizard_form.ack_method = "phone"
        wizard_form.ack_date = "2026-03-03 10:30:00"
        wizard_form.ack_note = "Rappelée, délai de réponse annoncé."
        wizard = wizard_form.save()
        wizard.action_confirm()
        self.assertEqual(str(ticket.ack_date), "2026-03-03 10:30:00")
        self.assertEqual(ticket.ack_method, "phone")
        self.assertEqual(ticket.ack_user_id, self.user_qualiopi)
        self.assertIn("Rappelée", ticket.message_ids[0].body)
        # A second recording is refused: the first is the evidence.
        wizard2 = self.env["qualiopi.acknowledge.wizard"].create(
            {"ticket_id": ticket.id, "ack_method": "letter"}
        )
        with self.assertRaises(UserError):
            wizard2.action_confirm()

    def test_manual_acknowledgement_by_phone_needs_details(self):
        self.trainee.email = False
        ticket = self._create_complaint()
        wizard = self.env["qualiopi.acknowledge.wizard"].create(
            {"ticket_id": ticket.id, "ack_method": "phone"}
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(ticket.ack_date)

    def test_auto_reply_not_acknowledged(self):
        self.team.alias_name = "reclamations"
        self.team.alias_defaults = (
            "{'qualiopi_nature': 'complaint', 'stakeholder_type': 'other', "
            f"'team_id': {self.team.id}}}"
        )
        template = (
            "From: Jean Dupont <jean.dupont@example.com>\n"
            "To: reclamations@{domain}\n"
            "Subject: {subject}\n"
            "Message-ID: <{msgid}@example.com>\n"
            "{extra}"
            "Content-Type: text/plain\n\n"
            "Bonjour, la formation ne correspond pas au programme.\n"
        )
        with self.mock_mail_gateway():
            auto_reply = self.env["mail.thread"].message_process(
                None,
                template.format(
                    domain=self.alias_domain,
                    subject="Absence du bureau",
                    msgid="auto1",
                    extra="Auto-Submitted: auto-replied\n",
                ),
            )
            human = self.env["mail.thread"].message_process(
                None,
                template.format(
                    domain=self.alias_domain,
                    subject="Réclamation formation",
                    msgid="human1",
                    extra="",
                ),
            )
            self._send_queued_acknowledgements()
        auto_ticket = self.env["helpdesk.ticket"].browse(auto_reply)
        human_ticket = self.env["helpdesk.ticket"].browse(human)
        self.assertFalse(auto_ticket.qualiopi_nature, "filed as a plain ticket")
        self.assertFalse(auto_ticket.ack_date, "an auto-reply gets no acknowledgement")
        self.assertTrue(human_ticket.ack_date)
        acked = self._new_mails.filtered(
            lambda m: "Acknowledgement of receipt" in (m.subject or "")
        )
        self.assertEqual(acked.mapped("recipient_ids.email"), ["jean.dupont@example.com"])
