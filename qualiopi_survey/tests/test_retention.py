import base64
import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestSurveyRetention(QualiopiSurveyCommon):
    """An anonymised complaint's handling survey loses who answered and what
    they typed; its score stays."""

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_complaint_survey_anonymised_with_its_record(self):
        complaint = self._create_complaint()
        self._record_answer(complaint)
        with self.mock_mail_gateway():
            complaint.stage_id = self.stage_done
        answer = self.env["survey.user_input"].search([("helpdesk_ticket_id", "=", complaint.id)])
        self.assertEqual(answer.partner_id, self.trainee)
        questions = self.survey_complaint.question_ids
        values = {q: "8" for q in questions.filtered(lambda q: q.question_type == "scale")}
        text = questions.filtered(lambda q: q.question_type in ("text_box", "char_box"))[:1]
        self.assertTrue(text, "the shipped survey asks for a comment")
        values[text] = "Marie Durand : merci pour la réponse rapide."
        self._answer(answer, values)
        score = answer.qualiopi_satisfaction
        self.assertTrue(score)
        # Right of access: the export holds the person's survey answers.
        action = self.trainee.with_user(self.user_manager).action_qualiopi_gdpr_request()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_export()
        data = json.loads(base64.b64decode(wizard.export_file))
        (record,) = [r for r in data["records"] if r["number"] == complaint.number]
        (survey,) = record["survey_answers"]
        self.assertEqual(survey["survey"], self.survey_complaint.title)
        self.assertIn(
            "Marie Durand : merci pour la réponse rapide.",
            [line["answer"] for line in survey["answers"]],
        )
        complaint.with_user(self.user_manager)._qualiopi_anonymise()
        answer.invalidate_recordset()
        self.assertFalse(answer.partner_id or answer.email or answer.nickname)
        comment = answer.user_input_line_ids.filtered(lambda line: line.question_id == text)
        self.assertNotIn("Durand", comment.value_text_box or comment.value_char_box)
        self.assertEqual(answer.qualiopi_satisfaction, score)
        self.assertEqual(complaint.qualiopi_handling_satisfaction, score)
        messages = self.env["mail.message"].search(
            [("model", "=", "survey.user_input"), ("res_id", "=", answer.id)]
        )
        self.assertFalse(messages.filtered(lambda m: "Durand" in (m.body or "") or m.partner_ids))
        self.assertFalse(messages.mail_ids)
