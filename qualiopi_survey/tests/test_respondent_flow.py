from odoo.tests import HttpCase, tagged

from odoo.addons.survey.tests.common import SurveyCase


@tagged("post_install", "-at_install")
class TestRespondentFlow(HttpCase, SurveyCase):
    """A trainee answers through the survey's own pages, with the token of
    their invitation, as the public user: the low score opens a difficulty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("qualiopi_survey.survey_qualiopi_hot")
        cls.trainee = cls.env["res.partner"].create(
            {"name": "Hugo Garnier", "email": "hugo.garnier@example.com"}
        )
        cls.event = cls.env["event.event"].create(
            {
                "name": "Excel - session de test",
                "date_begin": "2026-03-02 08:00:00",
                "date_end": "2026-03-03 16:00:00",
                "qualiopi_hot_survey_id": cls.survey.id,
            }
        )
        cls.registration = cls.env["event.registration"].create(
            {"event_id": cls.event.id, "partner_id": cls.trainee.id, "state": "done"}
        )
        cls.answer = cls.survey._create_answer(
            partner=cls.trainee,
            check_attempts=False,
            event_id=cls.event.id,
            event_registration_id=cls.registration.id,
        )

    def test_low_answer_through_the_survey_pages(self):
        questions = self.survey.question_ids
        token = self.answer.access_token
        response = self._access_page(self.survey, token)
        self.assertResponse(response, 200, [self.survey.title])
        csrf_token = self._find_csrf_token(response.text)
        self.assertResponse(self._access_begin(self.survey, token), 200)
        self.assertResponse(self._access_page(self.survey, token), 200, [questions[0].title])
        post_data = {"csrf_token": csrf_token, "token": token, "button_submit": "next"}
        for question in questions:
            if question.question_type == "scale":
                post_data[str(question.id)] = "2"
            elif question.question_type == "simple_choice":
                post_data[str(question.id)] = str(
                    question.suggested_answer_ids.filtered(lambda a: a.answer_score == 0).id
                )
            else:
                post_data[str(question.id)] = "Trop rapide pour moi."
        self.assertResponse(self._access_submit(self.survey, token, post_data), 200)
        self.answer.invalidate_recordset()
        self.assertEqual(self.answer.state, "done")
        self.assertAlmostEqual(self.answer.qualiopi_satisfaction, 16.0, places=1)
        ticket = self.answer.qualiopi_difficulty_id
        self.assertTrue(ticket, "the low answer opened a difficulty")
        self.assertEqual(ticket.event_registration_id, self.registration)
        self.assertIn("Trop rapide pour moi.", ticket.description)
        self.assertEqual(self.event.qualiopi_response_rate, 0.0, "not an invitation sent")

    def test_other_token_reaches_nothing(self):
        response = self.url_open(
            f"/survey/{self.survey.access_token}/not-{self.answer.access_token}"
        )
        self.assertNotIn(self.survey.question_ids[0].title, response.text)
