from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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

    @api.depends("qualiopi_purpose")
    def _compute_is_attempts_limited(self):
        # A Qualiopi survey is answered once per invitation: Odoo's "Retry"
        # would otherwise start a second answer on the same invitation.
        result = super()._compute_is_attempts_limited()
        for survey in self.filtered("qualiopi_purpose"):
            if survey.access_mode != "public" or survey.users_login_required:
                survey.is_attempts_limited = True
        return result

    @api.depends("question_and_page_ids.is_qualiopi_satisfaction")
    def _compute_qualiopi_satisfaction_question_count(self):
        for survey in self:
            survey.qualiopi_satisfaction_question_count = len(
                survey.question_ids.filtered("is_qualiopi_satisfaction")
            )

    def _qualiopi_check_satisfaction_questions(self):
        """Raise when a survey has no question to score its answers."""
        for survey in self:
            if not survey.question_ids.filtered("is_qualiopi_satisfaction"):
                raise ValidationError(
                    self.env._(
                        "The survey %(survey)s has no satisfaction question: mark at "
                        "least one scale or scored choice question as 'Qualiopi "
                        "satisfaction' so that its answers can be scored.",
                        survey=survey.display_name,
                    )
                )

    def _qualiopi_check_sendable(self):
        """Raise a clear error when a survey cannot serve as a Qualiopi survey."""
        for survey in self:
            survey.check_validity()
            survey._qualiopi_check_satisfaction_questions()
            if survey.access_mode == "internal":
                raise UserError(
                    self.env._(
                        "The survey %(survey)s is restricted to employees: trainees, "
                        "clients and funders could not answer it. Set its access "
                        "mode to 'Invited people only'.",
                        survey=survey.display_name,
                    )
                )
            if survey.users_login_required:
                raise UserError(
                    self.env._(
                        "The survey %(survey)s requires a login (registered users "
                        "only): trainees, clients and funders would have to sign in "
                        "or create an account before answering their invitation. "
                        "Untick 'Require Login': each invitation link is personal.",
                        survey=survey.display_name,
                    )
                )
        return True

    @api.constrains("qualiopi_purpose", "is_attempts_limited", "attempts_limit")
    def _check_qualiopi_attempts_limit(self):
        for survey in self:
            if (
                survey.qualiopi_purpose
                and survey.is_attempts_limited
                and survey.attempts_limit != 1
            ):
                raise ValidationError(
                    self.env._(
                        "%(survey)s is a Qualiopi survey: each invitation is answered "
                        "once (one attempt).",
                        survey=survey.display_name,
                    )
                )

    @api.model
    def _qualiopi_limit_attempts(self):
        """One attempt per invitation on every Qualiopi survey that can limit
        them (run on install and update)."""
        surveys = self.with_context(active_test=False).search(
            [("qualiopi_purpose", "!=", False), ("is_attempts_limited", "=", False)]
        )
        surveys.filtered(lambda s: s.access_mode != "public" or s.users_login_required).write(
            {"is_attempts_limited": True, "attempts_limit": 1}
        )
        return True

    def _has_attempts_left(self, partner, email, invite_token):
        """A Qualiopi invitation is answered once, whatever the attempts
        settings (a survey open to anyone with the link cannot limit them):
        its token is the invitation."""
        self.ensure_one()
        if self.qualiopi_purpose and invite_token:
            # sudo: the respondent (a visitor on the token link) reads no
            # answer; only whether this invitation was completed is counted.
            spent = (
                self.env["survey.user_input"]
                .sudo()
                .search_count(
                    [
                        ("survey_id", "=", self.id),
                        ("invite_token", "=", invite_token),
                        ("test_entry", "=", False),
                        ("state", "=", "done"),
                    ],
                    limit=1,
                )
            )
            return not spent
        return super()._has_attempts_left(partner, email, invite_token)
