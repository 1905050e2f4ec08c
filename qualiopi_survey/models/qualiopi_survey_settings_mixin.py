from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

# The defaults of a company, so of its courses and sessions unless changed.
SETTINGS_DEFAULTS = {
    "qualiopi_cold_delay": 60,
    "qualiopi_reminder_count": 2,
    "qualiopi_reminder_1_days": 3,
    "qualiopi_reminder_2_days": 7,
}
SURVEY_SETTINGS = (
    "qualiopi_hot_survey_id",
    "qualiopi_cold_survey_id",
    "qualiopi_client_survey_id",
    "qualiopi_trainer_survey_id",
)
SETTINGS = (*SURVEY_SETTINGS, *SETTINGS_DEFAULTS)
# The surveys sent at the end of a session and after the follow-up delay.
KIND_SURVEYS = {
    "hot": ("qualiopi_hot_survey_id", "qualiopi_client_survey_id", "qualiopi_trainer_survey_id"),
    "cold": ("qualiopi_cold_survey_id",),
}


def _setting(field_class, **kwargs):
    """A setting taken from the level above when the record is created (or,
    on a session, when its course changes), then editable on the record."""
    return field_class(
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
        **kwargs,
    )


def _survey_setting(purpose, string, help_text):
    return _setting(
        fields.Many2one,
        comodel_name="survey.survey",
        string=string,
        domain=[("qualiopi_purpose", "=", purpose)],
        help=help_text,
    )


class QualiopiSurveySettingsMixin(models.AbstractModel):
    """The survey settings of a company, a course (event.type) and a session
    (event.event): which surveys, the follow-up delay and the reminders.

    A session takes its course's settings (its company's without a course), a
    course its company's when created, a company ``SETTINGS_DEFAULTS``; each
    level can then change them. The checks hold at every level.
    """

    _name = "qualiopi.survey.settings.mixin"
    _description = "Qualiopi survey settings"

    qualiopi_hot_survey_id = _survey_setting(
        "hot",
        "End-of-session survey",
        "Sent to the attendees when a session ends (à chaud).",
    )
    qualiopi_cold_survey_id = _survey_setting(
        "cold",
        "Follow-up survey",
        "Sent to the attendees some time after the session (à froid).",
    )
    qualiopi_client_survey_id = _survey_setting(
        "client",
        "Client company survey",
        "Sent at the end of a session to the companies of its attendees.",
    )
    qualiopi_trainer_survey_id = _survey_setting(
        "trainer",
        "Trainer survey",
        "Sent at the end of a session to its trainer.",
    )
    qualiopi_cold_delay = _setting(
        fields.Integer,
        string="Follow-up delay (days)",
        help="Days after the end of the session before the follow-up survey.",
    )
    qualiopi_reminder_count = _setting(
        fields.Integer, string="Reminders", help="How many reminders (0 to 2)."
    )
    qualiopi_reminder_1_days = _setting(
        fields.Integer, string="First reminder (days)", help="Days after the invitation."
    )
    qualiopi_reminder_2_days = _setting(
        fields.Integer, string="Second reminder (days)", help="Days after the invitation."
    )

    # The models add the fields their source depends on (a session: its course).
    @api.depends()
    def _compute_qualiopi_survey_settings(self):
        for record in self:
            source = record._qualiopi_settings_source()
            if source:
                record.update(record._qualiopi_settings_values(source))
            elif not record.qualiopi_cold_delay:
                # New, with nothing above: the defaults, no survey.
                record.update({**dict.fromkeys(SURVEY_SETTINGS, False), **SETTINGS_DEFAULTS})

    @api.constrains(*SETTINGS_DEFAULTS)
    def _check_qualiopi_survey_delays(self):
        for record in self:
            if record.qualiopi_cold_delay < 1:
                raise ValidationError(
                    self.env._(
                        "%(record)s: the follow-up delay must be at least one day.",
                        record=record.display_name,
                    )
                )
            if not 0 <= record.qualiopi_reminder_count <= 2:
                raise ValidationError(
                    self.env._(
                        "%(record)s: a survey is reminded at most twice (0 to 2 reminders).",
                        record=record.display_name,
                    )
                )
            if record.qualiopi_reminder_count and record.qualiopi_reminder_1_days < 1:
                raise ValidationError(
                    self.env._(
                        "%(record)s: the first reminder comes at least one day after "
                        "the invitation.",
                        record=record.display_name,
                    )
                )
            if (
                record.qualiopi_reminder_count == 2
                and record.qualiopi_reminder_2_days <= record.qualiopi_reminder_1_days
            ):
                raise ValidationError(
                    self.env._(
                        "%(record)s: the second reminder must come after the first one.",
                        record=record.display_name,
                    )
                )

    @api.constrains(*SURVEY_SETTINGS)
    def _check_qualiopi_surveys(self):
        for record in self:
            hot, cold = record.qualiopi_hot_survey_id, record.qualiopi_cold_survey_id
            if hot and hot == cold:
                raise ValidationError(
                    self.env._(
                        "%(record)s: the end-of-session and follow-up surveys must be "
                        "different surveys, so that each attendee can answer both.",
                        record=record.display_name,
                    )
                )
            record._qualiopi_settings_surveys()._qualiopi_check_satisfaction_questions()

    def _qualiopi_settings_source(self):
        """The record whose settings this one takes: empty at the top (the
        company), which takes the defaults."""
        self.ensure_one()
        return self.env["res.company"]

    def _qualiopi_settings_values(self, source):
        """The settings this record takes from ``source``."""
        self.ensure_one()
        return {name: source[name] for name in SETTINGS}

    def _qualiopi_settings_surveys(self, kind=None):
        """The surveys set here: those of ``kind`` (``KIND_SURVEYS``), or all."""
        self.ensure_one()
        names = KIND_SURVEYS[kind] if kind else SURVEY_SETTINGS
        return self.env["survey.survey"].union(*(self[name] for name in names))

    def _qualiopi_reminder_days(self):
        """Days after the invitation of each reminder (at most two)."""
        self.ensure_one()
        days = (self.qualiopi_reminder_1_days, self.qualiopi_reminder_2_days)
        return [day for day in days[: self.qualiopi_reminder_count] if day > 0]

    def _qualiopi_check_sender(self):
        """Only a Qualiopi user sends surveys from a button (the cron runs as
        superuser); the sending may then read and write as superuser."""
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise UserError(self.env._("Only a Qualiopi user can send surveys."))

    def _qualiopi_notification(self, answers, message):
        """What a sending button shows: a success when it invited someone."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success" if answers else "warning", "message": message},
        }

    def _qualiopi_each_in_savepoint(self, send, on_error):
        """``send(records)`` for all these records (sessions, companies) at
        once, in a savepoint; when it fails, again record by record: the one
        that fails (its configuration, an email that cannot be rendered, a
        database error) is rolled back whole and ``on_error(record, error)``
        records why; the others are sent."""
        if not self:
            return self.env["survey.user_input"]
        try:
            with self.env.cr.savepoint():
                return send(self)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # Another transaction holds a record: the whole cron is retried
            # later, this is no error of the record.
            raise
        except Exception as error:  # noqa: BLE001 - any error stays on its record
            if len(self) == 1:
                on_error(self, error)
                return self.env["survey.user_input"]
        return self.env["survey.user_input"].union(
            *(record._qualiopi_each_in_savepoint(send, on_error) for record in self)
        )
