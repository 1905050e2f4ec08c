from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestComplaintSurvey(QualiopiSurveyCommon):
    def _answered_complaint(self):
        complaint = self._create_complaint()
        self._record_answer(complaint)
        return complaint

    def _survey_answers(self, ticket):
        return self.env["survey.user_input"].search([("helpdesk_ticket_id", "=", ticket.id)])

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_invitation_on_close_once(self):
        complaint = self._answered_complaint()
        with self.mock_mail_gateway():
            complaint.stage_id = self.stage_done
            answers = self._survey_answers(complaint)
            self.assertEqual(len(answers), 1)
            self.assertEqual(answers.survey_id, self.survey_complaint)
            self.assertEqual(answers.partner_id, self.trainee)
            self.assertEqual(answers.event_id, self.event)
            mails = self._invitation_mails(answers)
            self.assertEqual(len(mails), 1)
            self.assertIn(complaint.display_name, mails.body_html)
        self.assertEqual(complaint.qualiopi_handling_survey_state, "invited")
        # Re-opened and closed again: no second invitation.
        with self.mock_mail_gateway():
            complaint.stage_id = self.stage_new
            complaint.stage_id = self.stage_done
            self.assertFalse(self._new_mails.filtered(lambda m: m.model == "survey.user_input"))
        self.assertEqual(len(self._survey_answers(complaint)), 1)
        # The result shows on the record.
        questions = self.survey_complaint.question_ids.filtered(
            lambda q: q.question_type == "scale"
        )
        self._answer(answers, {q: "8" for q in questions})
        self.assertEqual(complaint.qualiopi_handling_survey_state, "answered")
        self.assertAlmostEqual(complaint.qualiopi_handling_satisfaction, 80.0, places=1)

    def test_setting_off_or_not_a_complaint(self):
        self.company.qualiopi_complaint_survey_on_close = False
        complaint = self._answered_complaint()
        complaint.stage_id = self.stage_done
        self.assertFalse(self._survey_answers(complaint))
        self.company.qualiopi_complaint_survey_on_close = True
        hazard = self._create_complaint(
            qualiopi_nature="hazard",
            qualiopi_hazard_measure="Salle de repli",
            qualiopi_hazard_informed_trainees=True,
        )
        hazard.stage_id = self.stage_done
        self.assertFalse(self._survey_answers(hazard))

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_report_satisfaction_with_complaint_handling(self):
        """The audit report's figures name the satisfaction with complaint
        handling, from the complaint-handling survey answered."""
        complaint = self._answered_complaint()
        with self.mock_mail_gateway():
            complaint.stage_id = self.stage_done
        answers = self._survey_answers(complaint)
        questions = self.survey_complaint.question_ids.filtered(
            lambda q: q.question_type == "scale"
        )
        self._answer(answers, {q: "8" for q in questions})
        day = answers.qualiopi_invitation_date.date()
        wizard = self.env["qualiopi.indicator31.report"].create(
            {"date_from": day, "date_to": day, "company_id": self.company.id}
        )
        row = wizard._qualiopi_figures()["surveys"]["complaint_handling"]
        self.assertEqual((row["invited"], row["answered"]), (1, 1))
        self.assertAlmostEqual(row["satisfaction"], 80.0, places=1)
        html = wizard.summary_html
        self.assertIn("Satisfaction with complaint handling", html)
        self.assertIn("80.0/100", html)
