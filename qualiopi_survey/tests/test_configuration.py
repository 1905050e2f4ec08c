from odoo.tests import Form, tagged

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestConfiguration(QualiopiSurveyCommon):
    def test_session_form_takes_the_course_surveys(self):
        form = Form(self.env["event.event"].with_user(self.user_qualiopi))
        form.name = "Management d'équipe - avril"
        form.date_begin = "2026-04-06 08:00:00"
        form.date_end = "2026-04-07 16:00:00"
        form.event_type_id = self.survey_event_type
        self.assertEqual(form.qualiopi_hot_survey_id, self.survey_hot)
        self.assertEqual(form.qualiopi_cold_survey_id, self.survey_cold)
        self.assertEqual(form.qualiopi_cold_delay, 60)
        form.qualiopi_cold_delay = 180
        session = form.save()
        self.assertEqual(session.qualiopi_cold_delay, 180)
        self.assertEqual(self.survey_event_type.qualiopi_cold_delay, 60)

    def test_settings(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.qualiopi_alert_threshold, 50)
        self.assertEqual(settings.qualiopi_complaint_survey_id, self.survey_complaint)
        settings.qualiopi_alert_threshold = 65
        settings.qualiopi_complaint_survey_on_close = False
        settings.save().execute()
        self.assertEqual(self.company.qualiopi_alert_threshold, 65)
        self.assertFalse(self.company.qualiopi_complaint_survey_on_close)

    def test_shipped_surveys(self):
        purposes = {
            "hot": self.survey_hot,
            "cold": self.survey_cold,
            "client": self.survey_client,
            "funder": self.survey_funder,
            "trainer": self.survey_trainer,
            "complaint_handling": self.survey_complaint,
        }
        for purpose, survey in purposes.items():
            self.assertEqual(survey.qualiopi_purpose, purpose)
            self.assertEqual(survey.access_mode, "token")
            self.assertTrue(survey._qualiopi_check_sendable())
            scales = survey.question_ids.filtered(lambda q: q.question_type == "scale")
            self.assertTrue(all(scales.mapped("is_qualiopi_satisfaction")))
            self.assertEqual(set(scales.mapped("scale_max")), {10})
            self.assertTrue(survey.question_ids.filtered(lambda q: q.question_type == "text_box"))
