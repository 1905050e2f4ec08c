import datetime
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .qualiopi_survey_settings_mixin import KIND_SURVEYS, SETTINGS

_logger = logging.getLogger(__name__)

# A session whose survey falls due while the cron is down (or before the
# module was installed) still gets it within this many days; older ones are
# left to the buttons, so that installing the module does not survey years of
# past sessions.
CATCH_UP_DAYS = 7
ATTENDEE_STATES = ("open", "done")
KIND_SENT_DATE = {"hot": "qualiopi_hot_sent_date", "cold": "qualiopi_cold_sent_date"}


class EventEvent(models.Model):
    _name = "event.event"
    _inherit = ["event.event", "qualiopi.survey.settings.mixin"]

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
        return super()._compute_qualiopi_survey_settings()

    def _qualiopi_settings_source(self):
        self.ensure_one()
        return self.event_type_id or self.company_id

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
        # Stored, so computed as superuser: every answer of the session counts,
        # whoever triggers the computation.
        Answer = self.env["survey.user_input"]
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
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        # New survey settings: the cron tries the session again.
        if set(vals) & set(SETTINGS):
            vals = dict(vals, qualiopi_survey_error=False)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_qualiopi_send_hot_survey(self):
        """Send the end-of-session surveys now: the cron's path, on demand."""
        self._qualiopi_check_can_send("hot")
        return self._qualiopi_notify_sent(self._qualiopi_send("hot"))

    def action_qualiopi_send_cold_survey(self):
        self._qualiopi_check_can_send("cold")
        return self._qualiopi_notify_sent(self._qualiopi_send("cold"))

    def action_view_qualiopi_survey_inputs(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_survey.action_qualiopi_survey_user_input"
        )
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {"search_default_group_by_survey": 1}
        return action

    def _qualiopi_notify_sent(self, answers):
        return self._qualiopi_notification(
            answers,
            self.env._(
                "%(count)s invitation(s) sent. Attendees already invited are not invited again.",
                count=len(answers),
            ),
        )

    def _qualiopi_check_can_send(self, kind):
        """Raise a clear error when this session's surveys cannot be sent."""
        self._qualiopi_check_sender()
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
            # The end-of-session survey is the one the button is for; the
            # client and trainer ones go with it when set.
            if not event[KIND_SURVEYS[kind][0]]:
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
            event._qualiopi_settings_surveys(kind)._qualiopi_check_sendable()

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _qualiopi_attendees(self):
        """Registrations that attend: confirmed or attended, never cancelled."""
        return self.registration_ids.filtered(lambda r: r.state in ATTENDEE_STATES)

    def _qualiopi_recipients(self, survey_field):
        """(partner, email, registration) of each person of this session
        invited to its ``survey_field``: the attendees, else the client
        companies of the attendees, or the trainer (those with an email)."""
        self.ensure_one()
        if survey_field == "qualiopi_client_survey_id":
            partners = self._qualiopi_attendees().partner_id.commercial_partner_id
            partners = partners.filtered("is_company")
        elif survey_field == "qualiopi_trainer_survey_id":
            partners = self.qualiopi_trainer_partner_id
        else:
            return [
                (
                    registration.partner_id,
                    registration.email or registration.partner_id.email,
                    registration,
                )
                for registration in self._qualiopi_attendees()
            ]
        no_registration = self.env["event.registration"]
        return [(partner, partner.email, no_registration) for partner in partners.filtered("email")]

    def _qualiopi_send(self, kind):
        """Invite, once, those of these sessions due the surveys of ``kind``
        (``hot``: end of session, ``cold``: follow-up), then note it on each
        session and record the first sending. One search for all the sessions
        finds who is already invited (``_qualiopi_invite_once``)."""
        invitations, skipped = [], {}
        for survey_field in KIND_SURVEYS[kind]:
            for event in self.filtered(survey_field):
                for partner, email, registration in event._qualiopi_recipients(survey_field):
                    if not email:
                        skipped.setdefault(event, []).append(registration.name or "?")
                        continue
                    invitations.append(
                        {
                            "survey": event[survey_field],
                            "partner": partner,
                            "email": email,
                            "event_id": event.id,
                            "event_registration_id": registration.id,
                            "company_id": event.company_id.id,
                        }
                    )
        answers = self.env["survey.user_input"]._qualiopi_invite_once(invitations)
        self._qualiopi_log_sending(answers, skipped)
        self._qualiopi_mark_sent(KIND_SENT_DATE[kind])
        return answers

    def _qualiopi_log_sending(self, answers, skipped):
        """One note per session on its chatter: who was invited, who was not."""
        bodies = {}
        for event in self:
            sent = answers.filtered(lambda a, e=event: a.event_id == e)
            body = Markup().join(
                Markup("<p>%s</p>")
                % self.env._(
                    "%(survey)s: %(count)s invitation(s) sent.",
                    survey=survey.title,
                    count=len(sent.filtered(lambda a, s=survey: a.survey_id == s)),
                )
                for survey in sent.survey_id
            )
            if skipped.get(event):
                body += Markup("<p>%s</p>") % self.env._(
                    "Not invited, no email address: %(names)s.",
                    names=", ".join(skipped[event]),
                )
            if body:
                bodies[event.id] = body
        if bodies:
            self.filtered(lambda e: e.id in bodies)._message_log_batch(bodies=bodies)

    def _qualiopi_mark_sent(self, date_field):
        """Record the first sending; a sending that went through also clears
        the error that made the cron skip the session (its other survey, the
        follow-up, would otherwise never leave)."""
        self.filtered(lambda e: not e[date_field]).write({date_field: fields.Datetime.now()})
        self.filtered("qualiopi_survey_error").write({"qualiopi_survey_error": False})

    def _qualiopi_cron_send(self, kind):
        """Send all the due sessions at once; when that fails, session by
        session, so that the failing one keeps its error and the others go."""

        def send(events):
            surveys = self.env["survey.survey"].union(
                *(event._qualiopi_settings_surveys(kind) for event in events)
            )
            surveys._qualiopi_check_sendable()
            return events._qualiopi_send(kind)

        return self._qualiopi_each_in_savepoint(
            send, lambda event, error: event._qualiopi_record_survey_error(error)
        )

    def _qualiopi_record_survey_error(self, error):
        """Store why the session's surveys were not sent, on the session (the
        warning on its form, the "Survey error" filter) and in its chatter."""
        self.ensure_one()
        if isinstance(error, UserError):
            message = str(error)
            _logger.warning("Qualiopi surveys of %s not sent: %s", self.display_name, message)
        else:
            # Apart from the call, which the translation extractor reads.
            error_text = f"{type(error).__name__}: {error}"
            message = self.env._(
                "Unexpected error while sending the surveys (%(error)s). The "
                "session was left as it was; fix it, then send its surveys "
                "with the buttons.",
                error=error_text,
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
        ended._qualiopi_cron_send("hot")
        follow_up = self.search(
            [
                *common,
                ("qualiopi_cold_sent_date", "=", False),
                ("qualiopi_cold_survey_id", "!=", False),
                ("qualiopi_cold_due_date", "<=", now),
                ("qualiopi_cold_due_date", ">=", since),
            ]
        )
        follow_up._qualiopi_cron_send("cold")
        self.env["survey.user_input"]._qualiopi_cron_reminders()
        self.env["res.company"].search([])._qualiopi_cron_funder_surveys()
        return True
