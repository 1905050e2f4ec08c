from odoo import api, fields, models
from odoo.exceptions import UserError

QUALIOPI_PURPOSES = [
    ("hot", "End of session (à chaud)"),
    ("cold", "Follow-up (à froid)"),
    ("client", "Client company"),
    ("funder", "Funder"),
    ("trainer", "Trainer"),
    ("complaint_handling", "Complaint handling"),
]
# Who answers a survey of each purpose, as a stakeholder type of the register.
PURPOSE_STAKEHOLDER = {
    "hot": "trainee",
    "cold": "trainee",
    "client": "client",
    "funder": "funder",
    "trainer": "trainer",
    "complaint_handling": "trainee",
}


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    qualiopi_purpose = fields.Selection(
        selection=QUALIOPI_PURPOSES,
        string="Qualiopi purpose",
        index=True,
        help="What this survey evidences for Qualiopi (indicators 30 and 31). "
        "Empty: an ordinary survey.",
    )
    qualiopi_satisfaction_question_count = fields.Integer(
        string="Satisfaction questions",
        compute="_compute_qualiopi_satisfaction_question_count",
    )

    @api.depends("question_and_page_ids.is_qualiopi_satisfaction")
    def _compute_qualiopi_satisfaction_question_count(self):
        for survey in self:
            survey.qualiopi_satisfaction_question_count = len(
                survey.question_ids.filtered("is_qualiopi_satisfaction")
            )

    def _qualiopi_check_sendable(self):
        """Raise a clear error when a survey cannot serve as a Qualiopi survey."""
        for survey in self:
            survey.check_validity()
            if not survey.question_ids.filtered("is_qualiopi_satisfaction"):
                raise UserError(
                    self.env._(
                        "The survey %(survey)s has no satisfaction question: mark at "
                        "least one scale or scored choice question as 'Qualiopi "
                        "satisfaction' so that its answers can be scored.",
                        survey=survey.display_name,
                    )
                )
            if survey.access_mode == "internal":
                raise UserError(
                    self.env._(
                        "The survey %(survey)s is restricted to employees: trainees, "
                        "clients and funders could not answer it. Set its access "
                        "mode to 'Invited people only'.",
                        survey=survey.display_name,
                    )
                )
        return True
