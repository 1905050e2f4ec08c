from odoo.tests import HttpCase, tagged

from odoo.addons.survey.tests.common import SurveyCase


@tagged("post_install", "-at_install")
class TestRespondentFlow(HttpCase, SurveyCase):
    """A trainee answers through the survey's own pages, with the token of
    their invitation, as the public user: the low score opens a difficulty,
    once; the invitation cannot be answered again; a visitor who opens the
    survey's public link without an invitation opens nothing."""

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
        # The demo data's difficulties are not this test's.
        cls.difficulties_before = cls.env["helpdesk.ticket"].search(
            [("qualiopi_user_input_id", "!=", False)]
        )
        cls.answer = cls.survey._create_answer(
            partner=cls.trainee,
            check_attempts=False,
            event_id=cls.event.id,
            event_registration_id=cls.registration.id,
        )

    def _low_post_data(self, csrf_token, token, comment="Trop rapide pour moi."):
        post_data = {"csrf_token": csrf_token, "token": token, "button_submit": "next"}
        for question in self.survey.question_ids:
            if question.question_type == "scale":
                post_data[str(question.id)] = "2"
            elif question.question_type == "simple_choice":
                post_data[str(question.id)] = str(
                    question.suggested_answer_ids.filtered(lambda a: a.answer_score == 0).id
                )
            else:
                post_data[str(question.id)] = comment
        return post_data

    def _answer_low_over_http(self, token, comment="Trop rapide pour moi."):
        """Open, begin and submit the one-page survey with a low score, as the
        respondent's browser does; the submit's JSON result is returned."""
        response = self._access_page(self.survey, token)
        self.assertResponse(response, 200, [self.survey.title])
        csrf_token = self._find_csrf_token(response.text)
        self.assertResponse(self._access_begin(self.survey, token), 200)
        self.assertResponse(
            self._access_page(self.survey, token), 200, [self.survey.question_ids[0].title]
        )
        response = self._access_submit(
            self.survey, token, self._low_post_data(csrf_token, token, comment)
        )
        self.assertResponse(response, 200)
        return response.json()["result"]

    def _difficulties(self):
        return (
            self.env["helpdesk.ticket"].search(
                [("qualiopi_user_input_id.survey_id", "=", self.survey.id)]
            )
            - self.difficulties_before
        )

    def test_low_answer_through_the_survey_pages(self):
        self._answer_low_over_http(self.answer.access_token)
        self.answer.invalidate_recordset()
        self.assertEqual(self.answer.state, "done")
        self.assertAlmostEqual(self.answer.qualiopi_satisfaction, 16.0, places=1)
        ticket = self.answer.qualiopi_difficulty_id
        self.assertTrue(ticket, "the low answer opened a difficulty")
        self.assertEqual(ticket.event_registration_id, self.registration)
        self.assertIn("Trop rapide pour moi.", ticket.description)
        self.assertEqual(self.event.qualiopi_response_rate, 0.0, "not an invitation sent")

    def test_invitation_answered_once(self):
        """Completed, the invitation's token is spent: a second submit is
        refused, Odoo's retry starts no new answer, and a single difficulty
        stays open for the invitation."""
        token = self.answer.access_token
        self._answer_low_over_http(token)
        self.assertEqual(len(self._difficulties()), 1)
        lines_before = self.answer.user_input_line_ids.mapped(
            lambda line: (line.question_id.id, line.value_scale, line.value_text_box)
        )
        # The same token submitted again (the finished page gives no form;
        # an attacker replays the request).
        result = self._access_submit(self.survey, token, self._low_post_data("x", token, "Bis"))
        self.assertEqual(result.json()["result"][1].get("error"), "unauthorized")
        # Odoo's retry route, as the respondent (public) would call it.
        response = self.url_open(f"/survey/retry/{self.survey.access_token}/{token}")
        self.assertEqual(response.status_code, 200)
        answers = self.env["survey.user_input"].search(
            [("survey_id", "=", self.survey.id), ("partner_id", "=", self.trainee.id)]
        )
        self.assertEqual(answers, self.answer, "no second answer for the invitation")
        self.answer.invalidate_recordset()
        self.assertEqual(
            self.answer.user_input_line_ids.mapped(
                lambda line: (line.question_id.id, line.value_scale, line.value_text_box)
            ),
            lines_before,
        )
        self.assertEqual(len(self._difficulties()), 1)
        # What Odoo's own checks read: one attempt per invitation token.
        self.assertTrue(self.survey.is_attempts_limited)
        self.assertEqual(self.survey.attempts_limit, 1)
        self.assertTrue(self.answer.invite_token, "each invitation has its own token")

    def test_retry_refused_on_a_survey_open_to_anyone(self):
        """Odoo cannot limit attempts on a survey open to anyone with the
        link; the invitation's token is answered once all the same."""
        self.survey.write({"access_mode": "public"})
        token = self.answer.access_token
        self._answer_low_over_http(token)
        self.url_open(f"/survey/retry/{self.survey.access_token}/{token}")
        self.assertEqual(
            self.env["survey.user_input"].search_count(
                [("survey_id", "=", self.survey.id), ("partner_id", "=", self.trainee.id)]
            ),
            1,
        )
        self.assertEqual(len(self._difficulties()), 1)

    def test_public_link_without_invitation_opens_no_difficulty(self):
        """A visitor opens the survey's public link (no invitation from us)
        and submits a low score: the answer is recorded, no difficulty."""
        self.survey.write({"access_mode": "public"})
        answers_before = self.env["survey.user_input"].search([("survey_id", "=", self.survey.id)])
        response = self.url_open(f"/survey/start/{self.survey.access_token}")
        self.assertEqual(response.status_code, 200)
        public_answer = (
            self.env["survey.user_input"].search([("survey_id", "=", self.survey.id)])
            - answers_before
        )
        self.assertEqual(len(public_answer), 1)
        self.assertIn(public_answer.access_token, response.url)
        self._answer_low_over_http(public_answer.access_token, comment="<a href=x>spam</a>")
        public_answer.invalidate_recordset()
        self.assertEqual(public_answer.state, "done")
        self.assertTrue(public_answer.qualiopi_is_low)
        self.assertFalse(public_answer.qualiopi_difficulty_id)
        self.assertFalse(self._difficulties(), "nobody invited it: no difficulty")

    def test_other_token_reaches_nothing(self):
        response = self.url_open(
            f"/survey/{self.survey.access_token}/not-{self.answer.access_token}"
        )
        self.assertNotIn(self.survey.question_ids[0].title, response.text)
