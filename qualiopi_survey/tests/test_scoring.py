from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestScoring(QualiopiSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Scoring",
                "qualiopi_purpose": "hot",
                "access_mode": "token",
            }
        )
        Question = cls.env["survey.question"]
        cls.q_scale_10 = Question.create(
            {
                "survey_id": cls.survey.id,
                "title": "Note sur 10",
                "question_type": "scale",
                "scale_min": 0,
                "scale_max": 10,
                "is_qualiopi_satisfaction": True,
            }
        )
        cls.q_scale_5 = Question.create(
            {
                "survey_id": cls.survey.id,
                "title": "Note de 1 à 5",
                "question_type": "scale",
                "scale_min": 1,
                "scale_max": 5,
                "is_qualiopi_satisfaction": True,
            }
        )

        def scored_choice(title, question_type, scores):
            return Question.create(
                {
                    "survey_id": cls.survey.id,
                    "title": title,
                    "question_type": question_type,
                    "is_qualiopi_satisfaction": True,
                    "suggested_answer_ids": [
                        (0, 0, {"value": value, "answer_score": score}) for value, score in scores
                    ],
                }
            )

        cls.q_choice = scored_choice(
            "Recommanderiez-vous ?",
            "simple_choice",
            [("Oui", 4), ("Peut-être", 2), ("Non", 0)],
        )
        cls.q_multi = scored_choice(
            "Points forts",
            "multiple_choice",
            [("Contenu", 1), ("Formateur", 1), ("Lieu", 2)],
        )
        cls.q_unscored_scale = Question.create(
            {
                "survey_id": cls.survey.id,
                "title": "Difficulté ressentie",
                "question_type": "scale",
            }
        )
        cls.q_text = Question.create(
            {"survey_id": cls.survey.id, "title": "Commentaire", "question_type": "text_box"}
        )

    def _new_answer(self):
        return self.survey._create_answer(partner=self.attendee_open, check_attempts=False)

    def _choice(self, question, value):
        return question.suggested_answer_ids.filtered(lambda a: a.value == value).id

    def test_scales_normalised_and_choices_scored(self):
        answer = self._new_answer()
        self._answer(
            answer,
            {
                self.q_scale_10: "7",  # 70
                self.q_scale_5: "4",  # (4 - 1) / (5 - 1) = 75
                self.q_choice: self._choice(self.q_choice, "Peut-être"),  # 2 / 4 = 50
                self.q_multi: [
                    self._choice(self.q_multi, "Contenu"),
                    self._choice(self.q_multi, "Lieu"),
                ],  # 3 / 4 = 75
                self.q_unscored_scale: "0",  # not a satisfaction question
                self.q_text: "Très bien",
            },
        )
        self.assertTrue(answer.qualiopi_is_scored)
        self.assertAlmostEqual(answer.qualiopi_satisfaction, (70 + 75 + 50 + 75) / 4, places=1)

    def test_extremes_and_skipped(self):
        answer = self._new_answer()
        self._answer(
            answer,
            {
                self.q_scale_10: "10",
                self.q_scale_5: "1",
                self.q_choice: False,  # skipped: not counted
                self.q_multi: [],
            },
        )
        self.assertAlmostEqual(answer.qualiopi_satisfaction, 50.0, places=1)

    def test_only_completed_answers_are_scored(self):
        answer = self._new_answer()
        answer._save_lines(self.q_scale_10, "9")
        self.assertFalse(answer.qualiopi_is_scored)
        self.assertEqual(answer.qualiopi_satisfaction, 0)
        answer._mark_done()
        self.assertTrue(answer.qualiopi_is_scored)
        self.assertEqual(answer.qualiopi_satisfaction, 90)

    def test_nothing_to_score(self):
        answer = self._new_answer()
        self._answer(answer, {self.q_text: "Rien à dire"})
        self.assertFalse(answer.qualiopi_is_scored)
        self.assertFalse(answer.qualiopi_is_low, "an unscored answer raises no alert")

    def test_text_question_cannot_measure_satisfaction(self):
        with self.assertRaisesRegex(ValidationError, "cannot measure satisfaction"):
            self.q_text.is_qualiopi_satisfaction = True

    def test_session_rate_and_average(self):
        self.session.qualiopi_hot_survey_id = self.survey_hot
        answers = self.env["survey.user_input"]
        for registration in self.attendees:
            answers |= self.survey_hot._create_answer(
                partner=registration.partner_id,
                check_attempts=False,
                event_id=self.session.id,
                event_registration_id=registration.id,
                qualiopi_invitation_date="2026-03-04 18:00:00",
            )
        self._answer_hot(answers[0], 8)  # 80, and "Yes" = 100
        self._answer_hot(answers[1], 6, recommend="No")  # 60 x4, 0
        self.assertAlmostEqual(self.session.qualiopi_response_rate, 66.7, places=1)
        expected = ((80 * 4 + 100) / 5 + (60 * 4 + 0) / 5) / 2
        self.assertAlmostEqual(self.session.qualiopi_satisfaction_avg, expected, places=1)
