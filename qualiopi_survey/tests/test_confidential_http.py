from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiCommon, QualiopiRpcMixin


@tagged("post_install", "-at_install")
class TestConfidentialAnswersOverHttp(HttpCase, QualiopiRpcMixin, QualiopiCommon):
    """What a complainant answered about the handling of a confidential case,
    over JSON-RPC: only the referents read it (and the respondent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Not QualiopiSurveyCommon: its training session is named ``session``,
        # as HttpCase's HTTP session is.
        cls.survey_complaint = cls.env.ref("qualiopi_survey.survey_qualiopi_complaint_handling")
        cls.user_referent = new_test_user(
            cls.env,
            login="survey_referent",
            groups="qualiopi_reclamation.group_qualiopi_confidential",
        )
        cls.confidential = (
            cls.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(
                cls._complaint_values(
                    name="Discrimination à l'inscription",
                    qualiopi_confidential=True,
                    qualiopi_confidential_reason="discrimination",
                )
            )
        )
        cls.secret_answer = cls.env["survey.user_input"].create(
            {
                "survey_id": cls.survey_complaint.id,
                "partner_id": cls.trainee.id,
                "helpdesk_ticket_id": cls.confidential.id,
            }
        )
        question = cls.survey_complaint.question_ids.filtered(
            lambda q: q.question_type in ("text_box", "char_box")
        )[:1]
        cls.secret_line = cls.env["survey.user_input.line"].create(
            {
                "user_input_id": cls.secret_answer.id,
                "question_id": question.id,
                "answer_type": "text_box",
                "value_text_box": "Le responsable m'a parlé de mes origines.",
            }
        )

    def _ids(self, user, model):
        reply = self._call_kw(user, model, "search_read", [[]], {"fields": ["id"]})
        self.assertIn("result", reply, reply)
        return [row["id"] for row in reply["result"]]

    def test_hidden_from_all_but_referents(self):
        self.assertTrue(self.secret_line.question_id, "the survey has a free-text question")
        for user in (self.user_qualiopi, self.user_manager, self.user_auditor):
            with self.subTest(user=user.login):
                self.assertNotIn(self.secret_answer.id, self._ids(user, "survey.user_input"))
                self.assertNotIn(self.secret_line.id, self._ids(user, "survey.user_input.line"))
                reply = self._call_kw(
                    user,
                    "survey.user_input.line",
                    "read",
                    [self.secret_line.ids, ["value_text_box"]],
                )
                self.assertIn("error", reply, "a direct read is refused")
        self.assertIn(self.secret_answer.id, self._ids(self.user_referent, "survey.user_input"))
        self.assertIn(self.secret_line.id, self._ids(self.user_referent, "survey.user_input.line"))
