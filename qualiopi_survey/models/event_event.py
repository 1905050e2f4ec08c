import datetime
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from .event_type import check_qualiopi_delays, check_qualiopi_surveys

_logger = logging.getLogger(__name__)

# A session whose survey falls due while the cron is down (or before the
# module was installed) still gets it within this many days; older ones are
# left to the buttons, so that installing the module does not survey years of
# past sessions.
CATCH_UP_DAYS = 7
ATTENDEE_STATES = ("open", "done")
# Settings copied from the course (event type) to its sessions.
TYPE_SETTINGS = (
    "qualiopi_hot_survey_id",
    "qualiopi_cold_survey_id",
    "qualiopi_client_survey_id",
    "qualiopi_trainer_survey_id",
    "qualiopi_cold_delay",
    "qualiopi_reminder_count",
    "qualiopi_reminder_1_days",
    "qualiopi_reminder_2_days",
)


class EventEvent(models.Model):
    _inherit = "event.event"

    # Configuration, from the course, overridable per session
    qualiopi_hot_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="End-of-session survey",
        domain=[("qualiopi_purpose", "=", "hot")],
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_cold_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Follow-up survey",
        domain=[("qualiopi_purpose", "=", "cold")],
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_client_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Client company survey",
        domain=[("qualiopi_purpose", "=", "client")],
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_trainer_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Trainer survey",
        domain=[("qualiopi_purpose", "=", "trainer")],
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_cold_delay = fields.Integer(
        string="Follow-up delay (days)",
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_reminder_1_days = fields.Integer(
        string="First reminder (days)",
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_reminder_2_days = fields.Integer(
        string="Second reminder (days)",
        compute="_compute_qualiopi_survey_settings",
        store=True,
        readonly=False,
        precompute=True,
    )
    qualiopi_trainer_partner_id = fields.Many2one(
        comodel_name="res.partner", string="Trainer", tracking=True, index=True
    )
    # Sending
    qualiopi_cold_due_date = fields.Datetime(
        string="Follow-up survey due",
        compute="_compute_qualiopi_cold_due_date",
        store=True,
        index=True,
    )
    qualiopi_hot_sent_date = fields.Datetime(
        string="End-of-session surveys sent on", readonly=True, copy=False
    )
    qualiopi_cold_sent_date = fields.Datetime(
        string="Follow-up survey sent on", readonly=True, copy=False
    )
    qualiopi_survey_error = fields.Char(
        string="Survey error",
        readonly=True,
        copy=False,
        help="Why the cron could not send this session's surveys. Fix the "
        "configuration, then send them with the buttons.",
    )
    # Results
    qualiopi_survey_input_ids = fields.One2many(
        comodel_name="survey.user_input",
        inverse_name="event_id",
        string="Survey answers",
    )
    qualiopi_survey_input_count = fields.Integer(
        string="Survey answers count", compute="_compute_qualiopi_survey_input_count"
    )
    qualiopi_response_rate = fields.Float(
        string="Response rate (%)",
        compute="_compute_qualiopi_survey_results",
        store=True,
        digits=(5, 1),
        aggregator="avg",
        help="Completed answers out of the invitations sent to the attendees "
        "(end-of-session and follow-up surveys).",
    )
    qualiopi_satisfaction_avg = fields.Float(
        string="Satisfaction (/100)",
        compute="_compute_qualiopi_survey_results",
        store=True,
        digits=(5, 1),
        aggregator="avg",
        help="Average satisfaction (0-100) of the attendees' completed answers "
        "(end-of-session and follow-up surveys).",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("event_type_id")
    def _compute_qualiopi_survey_settings(self):
        for event in self:
            source = event.event_type_id
            if not source:
                if not event.qualiopi_cold_delay:
                    event.qualiopi_cold_delay = 60
                    event.qualiopi_reminder_count = 2
                    event.qualiopi_reminder_1_days = 3
                    event.qualiopi_reminder_2_days = 7
                continue
            for name in TYPE_SETTINGS:
                event[name] = source[name]

    @api.depends("date_end", "qualiopi_cold_delay")
    def _compute_qualiopi_cold_due_date(self):
        for event in self:
            event.qualiopi_cold_due_date = (
                event.date_end + datetime.timedelta(days=event.qualiopi_cold_delay)
                if event.date_end
                else False
            )

    @api.depends("qualiopi_survey_input_ids")
    def _compute_qualiopi_survey_input_count(self):
        counts = dict(
            self.env["survey.user_input"]._read_group(
                [("event_id", "in", self.ids)], ["event_id"], ["__count"]
            )
        )
        for event in self:
            event.qualiopi_survey_input_count = counts.get(event, 0)

    @api.depends(
        "qualiopi_survey_input_ids.state",
        "qualiopi_survey_input_ids.qualiopi_satisfaction",
        "qualiopi_survey_input_ids.qualiopi_invitation_date",
    )
    def _compute_qualiopi_survey_results(self):
        domain = [
            ("event_id", "in", self.ids),
            ("qualiopi_purpose", "in", ("hot", "cold")),
            ("qualiopi_invitation_date", "!=", False),
        ]
        Answer = self.env["survey.user_input"].sudo()
        invited, answered, scored = {}, {}, {}
        # One grouped query: invited, answered, and the satisfaction of the
        # answers that carry a score.
        for event, state, is_scored, count, satisfaction in Answer._read_group(
            domain,
            ["event_id", "state", "qualiopi_is_scored"],
            ["__count", "qualiopi_satisfaction:avg"],
        ):
            invited[event] = invited.get(event, 0) + count
            if state == "done":
                answered[event] = answered.get(event, 0) + count
                if is_scored:
                    scored[event] = satisfaction
        for event in self:
            total = invited.get(event, 0)
            done = answered.get(event, 0)
            event.qualiopi_response_rate = round(done * 100.0 / total, 1) if total else 0.0
            event.qualiopi_satisfaction_avg = round(scored.get(event) or 0.0, 1)

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains(
        "qualiopi_cold_delay",
        "qualiopi_reminder_count",
        "qualiopi_reminder_1_days",
        "qualiopi_reminder_2_days",
    )
    def _check_qualiopi_survey_delays(self):
        for event in self:
            check_qualiopi_delays(event)

    @api.constrains(
        "qualiopi_hot_survey_id",
        "qualiopi_cold_survey_id",
        "qualiopi_client_survey_id",
        "qualiopi_trainer_survey_id",
    )
    def _check_qualiopi_surveys(self):
        for event in self:
            check_qualiopi_surveys(event)

    def write(self, vals):
        # New survey settings: the cron tries the session again.
        if set(vals) & set(TYPE_SETTINGS):
            vals = dict(vals, qualiopi_survey_error=False)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_qualiopi_send_hot_survey(self):
        """Send the end-of-session surveys now: the cron's path, on demand."""
        self._qualiopi_check_can_send("hot")
        answers = self._qualiopi_send_end_of_session()
        return self._qualiopi_notify_sent(answers)

    def action_qualiopi_send_cold_survey(self):
        self._qualiopi_check_can_send("cold")
        answers = self._qualiopi_send_follow_up()
        return self._qualiopi_notify_sent(answers)

    def action_view_qualiopi_survey_inputs(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_survey.action_qualiopi_survey_user_input"
        )
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {"search_default_group_by_survey": 1}
        return action

    def _qualiopi_notify_sent(self, answers):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if answers else "warning",
                "message": self.env._(
                    "%(count)s invitation(s) sent. Attendees already invited are not "
                    "invited again.",
                    count=len(answers),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _qualiopi_check_can_send(self, kind):
        """Raise a clear error when this session's surveys cannot be sent."""
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise UserError(self.env._("Only a Qualiopi user can send surveys."))
        now = fields.Datetime.now()
        for event in self:
            if not event.date_end:
                raise UserError(
                    self.env._(
                        "The session %(event)s has no end date: set it, since the "
                        "surveys are sent when the session ends.",
                        event=event.display_name,
                    )
                )
            if event.date_end > now:
                raise UserError(
                    self.env._(
                        "The session %(event)s ends on %(date)s: its surveys can only "
                        "be sent once it is over.",
                        event=event.display_name,
                        date=fields.Datetime.to_string(event.date_end),
                    )
                )
            if kind == "hot":
                surveys = (
                    event.qualiopi_hot_survey_id
                    | event.qualiopi_client_survey_id
                    | event.qualiopi_trainer_survey_id
                )
                missing = not event.qualiopi_hot_survey_id
            else:
                surveys = event.qualiopi_cold_survey_id
                missing = not surveys
            if missing:
                raise UserError(
                    self.env._(
                        "Choose the %(kind)s survey of the session %(event)s (or of "
                        "its course) first.",
                        kind=self.env._("end-of-session")
                        if kind == "hot"
                        else self.env._("follow-up"),
                        event=event.display_name,
                    )
                )
            surveys._qualiopi_check_sendable()

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _qualiopi_attendees(self):
        """Registrations that attend: confirmed or attended, never cancelled."""
        return self.registration_ids.filtered(lambda r: r.state in ATTENDEE_STATES)

    def _qualiopi_client_partners(self):
        self.ensure_one()
        partners = self._qualiopi_attendees().partner_id.commercial_partner_id
        return partners.filtered(lambda p: p.is_company and p.email)

    def _qualiopi_invite_registrations(self, survey_field):
        """Invite every attendee of these sessions to their ``survey_field``.

        Set-based: one search finds who is already invited; the unique
        constraint on (registration, survey) guarantees it at database level.
        """
        Answer = self.env["survey.user_input"]
        events = self.filtered(survey_field)
        registrations = events._qualiopi_attendees()
        if not registrations:
            return Answer
        done = set(
            Answer.sudo()
            .search(
                [
                    ("event_registration_id", "in", registrations.ids),
                    ("survey_id", "in", events[survey_field].ids),
                ]
            )
            .mapped(lambda a: (a.event_registration_id.id, a.survey_id.id))
        )
        answers = Answer
        skipped = {}
        for event in events:
            survey = event[survey_field]
            for registration in event._qualiopi_attendees():
                if (registration.id, survey.id) in done:
                    continue
                email = registration.email or registration.partner_id.email
                if not email:
                    skipped.setdefault(event, []).append(registration.name or "?")
                    continue
                partner = registration.partner_id
                extra = {"partner_id": partner.id} if partner and not partner.email else {}
                answers |= survey._create_answer(
                    partner=partner if partner.email else False,
                    email=email,
                    check_attempts=False,
                    event_id=event.id,
                    event_registration_id=registration.id,
                    company_id=event.company_id.id,
                    **extra,
                )
        answers._qualiopi_send_invitations()
        events._qualiopi_log_sending(answers, skipped, survey_field)
        return answers

    def _qualiopi_invite_partners(self, survey_field, partners_getter):
        """Invite contacts of the session (client companies, trainer), once."""
        Answer = self.env["survey.user_input"]
        answers = Answer
        for event in self.filtered(survey_field):
            survey = event[survey_field]
            partners = partners_getter(event).filtered("email")
            if not partners:
                continue
            invited = (
                Answer.sudo()
                .search(
                    [
                        ("event_id", "=", event.id),
                        ("survey_id", "=", survey.id),
                        ("event_registration_id", "=", False),
                        ("partner_id", "in", partners.ids),
                    ]
                )
                .partner_id
            )
            for partner in partners - invited:
                answers |= survey._create_answer(
                    partner=partner,
                    check_attempts=False,
                    event_id=event.id,
                    company_id=event.company_id.id,
                )
        answers._qualiopi_send_invitations()
        self._qualiopi_log_sending(answers, {}, survey_field)
        return answers

    def _qualiopi_log_sending(self, answers, skipped, survey_field):
        """One note per session on its chatter: who was invited, who was not."""
        bodies = {}
        label = self._fields[survey_field].get_description(self.env)["string"]
        for event in self:
            sent = answers.filtered(lambda a, e=event: a.event_id == e)
            missing = skipped.get(event)
            if not sent and not missing:
                continue
            body = Markup("<p>%s</p>") % self.env._(
                "%(survey)s: %(count)s invitation(s) sent.",
                survey=label,
                count=len(sent),
            )
            if missing:
                body += Markup("<p>%s</p>") % self.env._(
                    "Not invited, no email address: %(names)s.",
                    names=", ".join(missing),
                )
            bodies[event.id] = body
        if bodies:
            self.filtered(lambda e: e.id in bodies)._message_log_batch(bodies=bodies)

    def _qualiopi_send_end_of_session(self):
        answers = self._qualiopi_invite_registrations("qualiopi_hot_survey_id")
        answers |= self._qualiopi_invite_partners(
            "qualiopi_client_survey_id", lambda e: e._qualiopi_client_partners()
        )
        answers |= self._qualiopi_invite_partners(
            "qualiopi_trainer_survey_id", lambda e: e.qualiopi_trainer_partner_id
        )
        self._qualiopi_mark_sent("qualiopi_hot_sent_date")
        return answers

    def _qualiopi_send_follow_up(self):
        answers = self._qualiopi_invite_registrations("qualiopi_cold_survey_id")
        self._qualiopi_mark_sent("qualiopi_cold_sent_date")
        return answers

    def _qualiopi_mark_sent(self, date_field):
        """Record the first sending; a sending that went through also clears
        the error that made the cron skip the session (its other survey, the
        follow-up, would otherwise never leave)."""
        self.filtered(lambda e: not e[date_field]).write({date_field: fields.Datetime.now()})
        self.filtered("qualiopi_survey_error").write({"qualiopi_survey_error": False})

    def _qualiopi_cron_send(self, method):
        """Send session by session, each in its own savepoint: one session
        that fails (its configuration, an email that cannot be rendered, a
        database error) is rolled back whole, its error is recorded on it, and
        the cron goes on with the others."""
        answers = self.env["survey.user_input"]
        for event in self:
            surveys = (
                event.qualiopi_hot_survey_id
                | event.qualiopi_client_survey_id
                | event.qualiopi_trainer_survey_id
                if method == "_qualiopi_send_end_of_session"
                else event.qualiopi_cold_survey_id
            )
            try:
                with self.env.cr.savepoint():
                    surveys._qualiopi_check_sendable()
                    answers |= getattr(event, method)()
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                # Another transaction holds the session: the whole cron is
                # retried later, this is no error of the session.
                raise
            except Exception as error:  # noqa: BLE001 - any error stays on its session
                event._qualiopi_record_survey_error(error)
        return answers

    def _qualiopi_record_survey_error(self, error):
        """Store why the session's surveys were not sent, on the session (the
        warning on its form, the "Survey error" filter) and in its chatter."""
        self.ensure_one()
        if isinstance(error, UserError):
            message = str(error)
            _logger.warning("Qualiopi surveys of %s not sent: %s", self.display_name, message)
        else:
            message = self.env._(
                "Unexpected error while sending the surveys (%(error)s). The "
                "session was left as it was; fix it, then send its surveys "
                "with the buttons.",
                error=f"{type(error).__name__}: {error}",
            )
            _logger.exception("Qualiopi surveys of %s not sent", self.display_name)
        self.write({"qualiopi_survey_error": message})
        self.message_post(body=message, subtype_xmlid="mail.mt_note")

    @api.model
    def _cron_qualiopi_surveys(self):
        """Send the due invitations and reminders. Idempotent and set-based:
        each search is bounded by a 'sent' date that the sending sets."""
        now = fields.Datetime.now()
        since = now - datetime.timedelta(days=CATCH_UP_DAYS)
        common = [("qualiopi_survey_error", "=", False)]
        ended = self.search(
            [
                *common,
                ("qualiopi_hot_sent_date", "=", False),
                ("date_end", "<=", now),
                ("date_end", ">=", since),
                "|",
                "|",
                ("qualiopi_hot_survey_id", "!=", False),
                ("qualiopi_client_survey_id", "!=", False),
                ("qualiopi_trainer_survey_id", "!=", False),
            ]
        )
        ended._qualiopi_cron_send("_qualiopi_send_end_of_session")
        follow_up = self.search(
            [
                *common,
                ("qualiopi_cold_sent_date", "=", False),
                ("qualiopi_cold_survey_id", "!=", False),
                ("qualiopi_cold_due_date", "<=", now),
                ("qualiopi_cold_due_date", ">=", since),
            ]
        )
        follow_up._qualiopi_cron_send("_qualiopi_send_follow_up")
        self.env["survey.user_input"]._qualiopi_cron_reminders()
        self.env["res.company"].search([])._qualiopi_cron_funder_surveys()
        return True
