from odoo import api, fields, models
from odoo.exceptions import ValidationError


# Shared by event.type and event.event, which hold the same settings.
def check_qualiopi_delays(self):
    self.ensure_one()
    if self.qualiopi_cold_delay < 1:
        raise ValidationError(
            self.env._(
                "%(record)s: the follow-up delay must be at least one day.",
                record=self.display_name,
            )
        )
    if not 0 <= self.qualiopi_reminder_count <= 2:
        raise ValidationError(
            self.env._(
                "%(record)s: a survey is reminded at most twice (0 to 2 reminders).",
                record=self.display_name,
            )
        )
    if self.qualiopi_reminder_count and self.qualiopi_reminder_1_days < 1:
        raise ValidationError(
            self.env._(
                "%(record)s: the first reminder comes at least one day after the invitation.",
                record=self.display_name,
            )
        )
    if (
        self.qualiopi_reminder_count == 2
        and self.qualiopi_reminder_2_days <= self.qualiopi_reminder_1_days
    ):
        raise ValidationError(
            self.env._(
                "%(record)s: the second reminder must come after the first one.",
                record=self.display_name,
            )
        )


def check_qualiopi_surveys(self):
    self.ensure_one()
    hot, cold = self.qualiopi_hot_survey_id, self.qualiopi_cold_survey_id
    if hot and hot == cold:
        raise ValidationError(
            self.env._(
                "%(record)s: the end-of-session and follow-up surveys must be "
                "different surveys, so that each attendee can answer both.",
                record=self.display_name,
            )
        )
    for survey in (
        hot,
        cold,
        self.qualiopi_client_survey_id,
        self.qualiopi_trainer_survey_id,
    ):
        if survey and not survey.question_ids.filtered("is_qualiopi_satisfaction"):
            raise ValidationError(
                self.env._(
                    "The survey %(survey)s has no satisfaction question: mark at "
                    "least one scale or scored choice question as 'Qualiopi "
                    "satisfaction' before using it for %(record)s.",
                    survey=survey.display_name,
                    record=self.display_name,
                )
            )


class EventType(models.Model):
    _inherit = "event.type"

    qualiopi_hot_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="End-of-session survey",
        domain=[("qualiopi_purpose", "=", "hot")],
        help="Sent to the attendees when a session of this course ends (à chaud).",
    )
    qualiopi_cold_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Follow-up survey",
        domain=[("qualiopi_purpose", "=", "cold")],
        help="Sent to the attendees some time after the session (à froid).",
    )
    qualiopi_client_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Client company survey",
        domain=[("qualiopi_purpose", "=", "client")],
        help="Sent at the end of a session to the companies of its attendees.",
    )
    qualiopi_trainer_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Trainer survey",
        domain=[("qualiopi_purpose", "=", "trainer")],
        help="Sent at the end of a session to its trainer.",
    )
    qualiopi_cold_delay = fields.Integer(
        string="Follow-up delay (days)",
        default=60,
        help="Days after the end of the session before the follow-up survey.",
    )
    qualiopi_reminder_count = fields.Integer(
        string="Reminders", default=2, help="How many reminders (0 to 2)."
    )
    qualiopi_reminder_1_days = fields.Integer(
        string="First reminder (days)",
        default=3,
        help="Days after the invitation.",
    )
    qualiopi_reminder_2_days = fields.Integer(
        string="Second reminder (days)",
        default=7,
        help="Days after the invitation.",
    )

    @api.constrains(
        "qualiopi_cold_delay",
        "qualiopi_reminder_count",
        "qualiopi_reminder_1_days",
        "qualiopi_reminder_2_days",
    )
    def _check_qualiopi_survey_delays(self):
        for record in self:
            check_qualiopi_delays(record)

    @api.constrains(
        "qualiopi_hot_survey_id",
        "qualiopi_cold_survey_id",
        "qualiopi_client_survey_id",
        "qualiopi_trainer_survey_id",
    )
    def _check_qualiopi_surveys(self):
        for record in self:
            check_qualiopi_surveys(record)
