from odoo import api, fields, models
from odoo.exceptions import ValidationError

SCORABLE_TYPES = ("scale", "simple_choice", "multiple_choice", "matrix")


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    is_qualiopi_satisfaction = fields.Boolean(
        string="Qualiopi satisfaction",
        help="The answers to this question make the respondent's satisfaction "
        "score (0-100): a scale is normalised between its minimum and maximum, a "
        "choice scores its points against the best possible answer.",
    )

    @api.constrains("is_qualiopi_satisfaction", "question_type")
    def _check_qualiopi_satisfaction_type(self):
        for question in self:
            if question.is_qualiopi_satisfaction and question.question_type not in SCORABLE_TYPES:
                raise ValidationError(
                    self.env._(
                        "The question %(question)s cannot measure satisfaction: only "
                        "a scale, a choice or a matrix question can be scored.",
                        question=question.title,
                    )
                )

    def _qualiopi_score(self, lines):
        """Score (0-100) of this question's answer lines, or None when unscored."""
        self.ensure_one()
        lines = lines.filtered(lambda line: not line.skipped)
        if not lines:
            return None
        if self.question_type == "scale":
            span = self.scale_max - self.scale_min
            values = [
                (line.value_scale - self.scale_min) * 100.0 / span
                for line in lines
                if line.answer_type == "scale"
            ]
            return sum(values) / len(values) if values and span > 0 else None
        if self.question_type == "matrix":
            best = max(self.suggested_answer_ids.mapped("answer_score") or [0.0])
            values = [
                max(line.suggested_answer_id.answer_score, 0.0) * 100.0 / best
                for line in lines
                if line.suggested_answer_id and line.matrix_row_id
            ]
            return sum(values) / len(values) if values and best > 0 else None
        scores = self.suggested_answer_ids.mapped("answer_score")
        if self.question_type == "multiple_choice":
            best = sum(score for score in scores if score > 0)
        else:
            best = max(scores or [0.0])
        chosen = lines.suggested_answer_id
        if best <= 0 or not chosen:
            return None
        return min(max(sum(chosen.mapped("answer_score")) * 100.0 / best, 0.0), 100.0)
