from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSurveyDemo(TransactionCase):
    def test_complaint_handling_survey_answered(self):
        ticket = self.env.ref("qualiopi_reclamation.demo_ticket_complaint_closed")
        answers = self.env["survey.user_input"].search(
            [
                ("survey_id.qualiopi_purpose", "=", "complaint_handling"),
                ("state", "=", "done"),
                ("helpdesk_ticket_id", "=", ticket.id),
            ]
        )
        self.assertEqual(len(answers), 1)
        self.assertEqual(answers.partner_id, ticket.partner_id)
        self.assertGreater(answers.qualiopi_satisfaction, 50)
        self.assertLess(ticket.response_date, answers.qualiopi_invitation_date)

    def test_surveys_follow_their_session(self):
        """End-of-session answers come after the session they are about."""
        answers = self.env["survey.user_input"].search(
            [
                ("survey_id.qualiopi_purpose", "=", "hot"),
                ("event_id", "!=", False),
                ("state", "=", "done"),
            ]
        )
        self.assertTrue(answers)
        for answer in answers:
            self.assertGreaterEqual(answer.qualiopi_invitation_date, answer.event_id.date_end)
            self.assertGreater(answer.end_datetime, answer.event_id.date_end)
