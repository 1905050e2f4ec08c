import datetime

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestMediationDemo(TransactionCase):
    def test_acknowledgements_in_french_with_the_mediator(self):
        mediator = self.env.ref("base.main_company").qualiopi_mediator_id
        self.assertTrue(mediator)
        for xmlid in (
            "qualiopi_reclamation.demo_ticket_complaint_closed",
            "qualiopi_mediation.demo_ticket_complaint_mediation",
            "qualiopi_reclamation.demo_ticket_complaint_new",
        ):
            ticket = self.env.ref(xmlid)
            ack = ticket.ack_message_id
            self.assertTrue(ack, xmlid)
            self.assertEqual(ticket.ack_date, ack.date)
            self.assertIn("Nous avons bien reçu votre réclamation", ack.body)
            self.assertIn(mediator.name, ack.body)
            self.assertIn(mediator.website, ack.body)
            # Told about the mediator by the acknowledgement itself.
            self.assertEqual(ticket.mediation_informed_message_id, ack)
            self.assertEqual(ticket.mediation_informed_date, ack.date)

    def test_referral_after_the_answer(self):
        referral = self.env.ref("qualiopi_mediation.demo_referral_agreement")
        ticket = referral.ticket_id
        self.assertTrue(ticket.stage_id.closed)
        self.assertIn(ticket.partner_id, ticket.response_message_id.partner_ids)
        self.assertGreater(referral.referral_date, ticket.response_date.date())

    def test_mediation_information_dated_as_the_story(self):
        """The chatter line that records when a complainant was told about the
        mediator is dated when it happened, not when the demo was installed:
        a line dated today beside a message of last month is a contradiction
        an auditor notices."""
        lines = self.env["mail.tracking.value"].search(
            [
                ("field_id.name", "=", "mediation_informed_date"),
                ("mail_message_id.model", "=", "helpdesk.ticket"),
            ]
        )
        self.assertTrue(lines)
        for line in lines:
            ticket = self.env["helpdesk.ticket"].browse(line.mail_message_id.res_id)
            self.assertEqual(line.new_value_datetime, ticket.mediation_informed_date)
            # Within the minute: the line is written as the message is sent.
            self.assertLess(
                abs(line.mail_message_id.date - ticket.mediation_informed_date),
                datetime.timedelta(minutes=1),
            )
