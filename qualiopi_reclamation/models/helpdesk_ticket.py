import bisect
import datetime

import pytz
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

QUALIOPI_NATURES = [
    ("complaint", "Complaint"),
    ("difficulty", "Difficulty"),
    ("hazard", "Hazard"),
]
STAKEHOLDER_TYPES = [
    ("trainee", "Trainee"),
    ("client", "Client company"),
    ("funder", "Funder"),
    ("trainer", "Trainer"),
    # In work-study training (apprenticeship, professionalisation contract), the
    # company's tutor or apprenticeship master follows the trainee.
    ("tutor", "Tutor or apprenticeship master"),
    ("subcontractor", "Subcontractor"),
    ("staff", "Staff"),
    ("other", "Other"),
]
FUNDING_TYPES = [
    ("cpf", "CPF (Mon Compte Formation)"),
    ("opco", "OPCO"),
    ("france_travail", "France Travail"),
    ("region", "Region"),
    ("company", "Company (skills development plan)"),
    ("self", "Self-funded"),
    ("other", "Other"),
]
ACK_METHODS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("phone", "Phone"),
    ("in_person", "In person"),
    ("other", "Other"),
]
# How an answer given outside the answer composer can be recorded; a complaint
# is answered in writing, so only a letter (with its scan) closes one.
RESPONSE_METHODS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("phone", "Phone"),
    ("in_person", "In person"),
]
# Evidence that only the application records (the acknowledgement and answer
# flows, run as superuser after the user's write access was checked) and that a
# manager corrects through the correction wizard: never written by a user.
RECORDED_EVIDENCE_FIELDS = (
    "ack_date",
    "ack_method",
    "ack_user_id",
    "ack_note",
    "ack_message_id",
    "response_date",
    "response_method",
    "response_user_id",
    "response_note",
    "response_message_id",
    "response_attachment_id",
)
# Evidence typed by the user when the record is entered, then set once.
SET_ONCE_EVIDENCE_FIELDS = ("received_date", "transcription_date", "transcribed_by_id")
QUALIOPI_STATUSES = [
    ("new", "To acknowledge"),
    ("acknowledged", "Acknowledged"),
    ("analysis", "In analysis"),
    ("answered", "Answered"),
    ("closed", "Closed"),
]
FOUNDED_VALUES = [
    ("founded", "Founded"),
    ("partly", "Partly founded"),
    ("unfounded", "Unfounded"),
]
# Tolerance for clocks: a received date a few minutes ahead of the server is a
# clock skew, not a date in the future.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "qualiopi.cron.mixin"]

    # Register
    qualiopi_nature = fields.Selection(
        selection=QUALIOPI_NATURES,
        string="Qualiopi nature",
        tracking=True,
        index=True,
        help="Complaint (réclamation), difficulty or hazard (aléa). Empty: this "
        "ticket is not a Qualiopi record.",
    )
    stakeholder_type = fields.Selection(
        selection=STAKEHOLDER_TYPES,
        string="Stakeholder type",
        tracking=True,
        index=True,
    )
    event_id = fields.Many2one(
        comodel_name="event.event",
        string="Training session",
        tracking=True,
        index="btree_not_null",
        check_company=True,
    )
    event_type_id = fields.Many2one(
        related="event_id.event_type_id", string="Course", store=True, index=True
    )
    event_registration_id = fields.Many2one(
        comodel_name="event.registration",
        string="Registration",
        domain="[('event_id', '=?', event_id)]",
        tracking=True,
        index="btree_not_null",
    )
    client_partner_id = fields.Many2one(
        comodel_name="res.partner", string="Client company", tracking=True
    )
    funder_partner_id = fields.Many2one(comodel_name="res.partner", string="Funder", tracking=True)
    funding_type = fields.Selection(selection=FUNDING_TYPES, tracking=True)
    received_date = fields.Datetime(
        string="Received on",
        default=fields.Datetime.now,
        tracking=True,
        index=True,
        copy=False,
        help="When the organisation received the matter: backdate it for a letter "
        "or a phone call. Deadlines are counted from it.",
    )
    qualiopi_is_oral = fields.Boolean(related="channel_id.qualiopi_is_oral", string="Oral channel")
    transcribed_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Transcribed by",
        tracking=True,
        help="For a complaint received orally: who wrote it down.",
    )
    transcription_date = fields.Datetime(string="Transcribed on", tracking=True)
    qualiopi_status = fields.Selection(
        selection=QUALIOPI_STATUSES,
        string="Qualiopi status",
        compute="_compute_qualiopi_status",
        store=True,
        index=True,
    )

    # Acknowledgement and answer
    ack_deadline = fields.Datetime(
        string="Acknowledgement deadline",
        compute="_compute_qualiopi_deadlines",
        store=True,
        index=True,
    )
    ack_reminder_date = fields.Datetime(compute="_compute_qualiopi_deadlines", store=True)
    ack_date = fields.Datetime(string="Acknowledged on", tracking=True, copy=False, index=True)
    ack_method = fields.Selection(
        selection=ACK_METHODS, string="Acknowledged by", tracking=True, copy=False
    )
    ack_user_id = fields.Many2one(
        comodel_name="res.users", string="Acknowledged by user", copy=False
    )
    ack_note = fields.Text(string="Acknowledgement note", copy=False)
    ack_message_id = fields.Many2one(
        comodel_name="mail.message", string="Acknowledgement message", copy=False
    )
    response_deadline = fields.Datetime(
        string="Answer deadline",
        compute="_compute_qualiopi_deadlines",
        store=True,
        index=True,
    )
    response_reminder_date = fields.Datetime(compute="_compute_qualiopi_deadlines", store=True)
    response_date = fields.Datetime(string="Answered on", tracking=True, copy=False, index=True)
    response_user_id = fields.Many2one(comodel_name="res.users", string="Answered by", copy=False)
    response_method = fields.Selection(
        selection=RESPONSE_METHODS, string="Answered how", tracking=True, copy=False
    )
    response_note = fields.Text(string="Answer note", copy=False)
    response_message_id = fields.Many2one(
        comodel_name="mail.message", string="Answer message", copy=False
    )
    response_attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Answer letter",
        copy=False,
        help="The scan of the answer sent by letter.",
    )
    qualiopi_imported = fields.Boolean(
        string="Imported evidence",
        readonly=True,
        copy=False,
        tracking=True,
        help="The acknowledgement or answer dates were given when the record was "
        "created (import of the register kept before Odoo): they are evidence "
        "recorded as given, not messages sent from Odoo.",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        store=True,
        index=True,
        help="An acknowledgement or an answer is past due and not done.",
    )
    # Idempotence of the deadline cron: each milestone is notified once.
    ack_reminder_sent = fields.Boolean(copy=False)
    ack_late_notified = fields.Boolean(copy=False)
    response_reminder_sent = fields.Boolean(copy=False)
    response_late_notified = fields.Boolean(copy=False)

    # Hazard and difficulty handling
    hazard_measure = fields.Text(
        string="Immediate measure", tracking=True, help="What was done at once."
    )
    hazard_informed_trainees = fields.Boolean(string="Trainees informed", tracking=True)
    hazard_informed_client = fields.Boolean(string="Client company informed", tracking=True)
    hazard_informed_funder = fields.Boolean(string="Funder informed", tracking=True)
    hazard_informed_date = fields.Datetime(string="Informed on", tracking=True)
    difficulty_handling = fields.Text(
        string="Handling of the difficulty",
        tracking=True,
        help="How the difficulty was handled: adjustment, referral, support...",
    )

    # Analysis
    cause_category_id = fields.Many2one(
        comodel_name="qualiopi.cause.category",
        string="Cause category",
        tracking=True,
        index=True,
    )
    is_founded = fields.Selection(selection=FOUNDED_VALUES, string="Founded", tracking=True)
    root_cause = fields.Text(string="Root cause", tracking=True)
    corrective_action_note = fields.Text(string="Corrective action", tracking=True)
    improvement_action_ids = fields.Many2many(
        comodel_name="qualiopi.improvement.action",
        relation="qualiopi_improvement_action_helpdesk_ticket_rel",
        column1="helpdesk_ticket_id",
        column2="improvement_action_id",
        string="Improvement actions",
        copy=False,
    )
    improvement_action_count = fields.Integer(compute="_compute_improvement_action_count")
    is_recurrent = fields.Boolean(
        string="Recurrent",
        compute="_compute_is_recurrent",
        store=True,
        help="The same cause already occurred on this session or course within "
        "the company's recurrence window.",
    )
    # Extension point: the mediation addon fills it with the mediator's details,
    # which the acknowledgement and answer emails print.
    qualiopi_mediation_notice_html = fields.Html(
        compute="_compute_qualiopi_mediation_notice_html", sanitize=False
    )

    def init(self):
        super().init()
        # The deadline cron looks for pending milestones only; plain tickets and
        # settled records (most of the history) must stay out of its indexes.
        for milestone in ("ack", "response"):
            tools.create_index(
                self.env.cr,
                f"helpdesk_ticket_qualiopi_{milestone}_pending_index",
                self._table,
                [f"{milestone}_deadline"],
                where=f"qualiopi_nature IS NOT NULL AND {milestone}_date IS NULL",
            )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.model
    def _qualiopi_deadline_fields(self):
        return [
            "ack_deadline",
            "ack_reminder_date",
            "response_deadline",
            "response_reminder_date",
        ]

    def _qualiopi_calendar(self):
        """The calendar that counts this record's business days."""
        self.ensure_one()
        return self.team_id.resource_calendar_id or self.company_id.resource_calendar_id

    def _qualiopi_tz(self):
        """The time zone in which this record's dates are shown to its
        stakeholders (public confirmation, portal): the one of the calendar
        that counts its business days, so that a deadline reads as promised."""
        self.ensure_one()
        ticket = self.sudo()
        return ticket.team_id.resource_calendar_id.tz or ticket.company_id._qualiopi_tz()

    @api.depends(
        "qualiopi_nature",
        "received_date",
        "company_id",
        "company_id.qualiopi_ack_days",
        "company_id.qualiopi_response_days",
        "company_id.resource_calendar_id",
        "team_id.resource_calendar_id",
    )
    def _compute_qualiopi_deadlines(self):
        # Group by calendar so that the working days are read once per calendar,
        # whatever the number of records (creation in bulk, recomputation).
        todo = {}
        for ticket in self:
            ticket.ack_deadline = ticket.ack_reminder_date = False
            ticket.response_deadline = ticket.response_reminder_date = False
            if not ticket.qualiopi_nature or not ticket.received_date:
                continue
            todo.setdefault(ticket._qualiopi_calendar(), []).append(ticket)
        for calendar, tickets in todo.items():
            received = [t.received_date for t in tickets]
            longest = max(
                max(t.company_id.qualiopi_ack_days, t.company_id.qualiopi_response_days)
                for t in tickets
            )
            days = self._qualiopi_working_days(calendar, min(received), max(received), longest)
            day_stops = [stop for _start, stop in days]
            for ticket in tickets:
                company = ticket.company_id
                # The first working day still open when the matter arrives is
                # day 0: a complaint received on Monday at 10:00 with 2 days to
                # answer is due on Wednesday evening.
                first = bisect.bisect_right(day_stops, ticket.received_date)
                if ticket.qualiopi_nature == "complaint":
                    ack = days[min(first + company.qualiopi_ack_days, len(days) - 1)]
                    ticket.ack_deadline = ack[1]
                    ticket.ack_reminder_date = ack[0]
                if ticket.qualiopi_nature in ("complaint", "difficulty"):
                    index = min(first + company.qualiopi_response_days, len(days) - 1)
                    ticket.response_deadline = days[index][1]
                    ticket.response_reminder_date = days[index][0]

    @api.model
    def _qualiopi_working_days(self, calendar, date_from, date_to, business_days):
        """Working days from ``date_from`` to ``business_days`` after ``date_to``.

        Returns a sorted list of (start, stop) naive UTC datetimes, one per
        working day: the start of its first attendance and the end of its last,
        leaves (public holidays, closures) excluded.
        """
        # Two calendar weeks per five business days, plus margin for holidays.
        span = datetime.timedelta(days=business_days * 2 + 21)
        start = pytz.utc.localize(date_from - datetime.timedelta(days=1))
        stop = pytz.utc.localize(date_to) + span
        days = {}
        if calendar:
            intervals = calendar._work_intervals_batch(start, stop)[False]
            for begin, end, _meta in intervals:
                day = begin.date()
                first, last = days.get(day, (begin, end))
                days[day] = (min(first, begin), max(last, end))
        else:
            # No calendar at all: Monday to Friday, whole days.
            day = start.date()
            while day <= stop.date():
                if day.weekday() < 5:
                    begin = pytz.utc.localize(datetime.datetime.combine(day, datetime.time.min))
                    days[day] = (begin, begin + datetime.timedelta(days=1, seconds=-1))
                day += datetime.timedelta(days=1)
        result = [
            (
                begin.astimezone(pytz.utc).replace(tzinfo=None),
                end.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for _day, (begin, end) in sorted(days.items())
        ]
        if not result:
            raise UserError(
                self.env._(
                    "The working hours %(calendar)s have no working day: business-day "
                    "deadlines cannot be computed.",
                    calendar=calendar.display_name,
                )
            )
        return result

    @api.model
    def _qualiopi_overdue_domain(self, now=None):
        """The one definition of overdue: an open Qualiopi record whose
        acknowledgement or answer is past its deadline and not done at ``now``."""
        now = now or fields.Datetime.now()
        return [
            ("qualiopi_nature", "!=", False),
            ("stage_id.closed", "=", False),
            "|",
            "&",
            ("ack_date", "=", False),
            ("ack_deadline", "<", now),
            "&",
            ("response_date", "=", False),
            ("response_deadline", "<", now),
        ]

    @api.depends(
        "qualiopi_nature",
        "ack_date",
        "response_date",
        "ack_deadline",
        "response_deadline",
        "stage_id.closed",
    )
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.is_overdue = bool(
                ticket.qualiopi_nature
                and not ticket.stage_id.closed
                and (
                    (ticket.ack_deadline and not ticket.ack_date and ticket.ack_deadline < now)
                    or (
                        ticket.response_deadline
                        and not ticket.response_date
                        and ticket.response_deadline < now
                    )
                )
            )

    @api.depends(
        "qualiopi_nature",
        "ack_date",
        "response_date",
        "stage_id.closed",
        "cause_category_id",
        "root_cause",
    )
    def _compute_qualiopi_status(self):
        for ticket in self:
            if not ticket.qualiopi_nature:
                ticket.qualiopi_status = False
            elif ticket.stage_id.closed:
                ticket.qualiopi_status = "closed"
            elif ticket.response_date:
                ticket.qualiopi_status = "answered"
            elif ticket.qualiopi_nature == "complaint" and not ticket.ack_date:
                ticket.qualiopi_status = "new"
            elif ticket.cause_category_id or ticket.root_cause:
                ticket.qualiopi_status = "analysis"
            else:
                ticket.qualiopi_status = "acknowledged"

    @api.depends("improvement_action_ids")
    def _compute_improvement_action_count(self):
        for ticket in self:
            ticket.improvement_action_count = len(ticket.improvement_action_ids)

    @api.depends("qualiopi_nature", "cause_category_id", "event_id", "received_date", "company_id")
    def _compute_is_recurrent(self):
        candidates = self.filtered(
            lambda t: t.qualiopi_nature and t.cause_category_id and t.event_id and t.received_date
        )
        (self - candidates).is_recurrent = False
        if not candidates:
            return
        # One query for the earlier records any candidate could repeat, then
        # matched in memory: a bulk import must not cost a query per record.
        window = {
            company: datetime.timedelta(days=company.qualiopi_recurrence_days)
            for company in candidates.company_id
        }
        earliest = min(t.received_date - window[t.company_id] for t in candidates)
        events = candidates.event_id
        previous = (
            self.with_context(active_test=False)
            .sudo()
            .search_fetch(
                [
                    ("qualiopi_nature", "!=", False),
                    ("company_id", "in", candidates.company_id.ids),
                    ("cause_category_id", "in", candidates.cause_category_id.ids),
                    ("received_date", ">=", earliest),
                    ("received_date", "<=", max(candidates.mapped("received_date"))),
                    "|",
                    ("event_id", "in", events.ids),
                    ("event_type_id", "in", events.event_type_id.ids),
                ],
                ["company_id", "cause_category_id", "received_date", "event_id", "event_type_id"],
            )
        )
        by_cause = {}
        for record in previous:
            key = (record.company_id.id, record.cause_category_id.id)
            by_cause.setdefault(key, []).append(record)
        for ticket in candidates:
            start = ticket.received_date - window[ticket.company_id]
            event = ticket.event_id
            ticket.is_recurrent = any(
                record.id != ticket._origin.id
                and start <= record.received_date <= ticket.received_date
                and (
                    record.event_id == event
                    or (event.event_type_id and record.event_type_id == event.event_type_id)
                )
                for record in by_cause.get((ticket.company_id.id, ticket.cause_category_id.id), ())
            )

    def _compute_qualiopi_mediation_notice_html(self):
        self.qualiopi_mediation_notice_html = False

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------

    @api.constrains("received_date", "qualiopi_nature")
    def _check_received_date(self):
        limit = fields.Datetime.now() + FUTURE_TOLERANCE
        for ticket in self:
            if ticket.qualiopi_nature and not ticket.received_date:
                raise ValidationError(
                    self.env._("A Qualiopi record needs the date it was received.")
                )
            if ticket.received_date and ticket.received_date > limit:
                raise ValidationError(
                    self.env._(
                        "The received date of %(ticket)s is in the future: a matter "
                        "can only be recorded once it has been received.",
                        ticket=ticket.display_name,
                    )
                )

    @api.constrains("qualiopi_nature", "stakeholder_type")
    def _check_stakeholder_type(self):
        for ticket in self:
            if ticket.qualiopi_nature and not ticket.stakeholder_type:
                raise ValidationError(
                    self.env._(
                        "Say who raised %(ticket)s: the stakeholder type is required "
                        "on every Qualiopi record.",
                        ticket=ticket.display_name,
                    )
                )

    @api.constrains("qualiopi_nature", "channel_id", "transcribed_by_id")
    def _check_transcription(self):
        for ticket in self:
            if (
                ticket.qualiopi_nature
                and ticket.channel_id.qualiopi_is_oral
                and not ticket.transcribed_by_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(ticket)s was received orally (%(channel)s): record who transcribed it.",
                        ticket=ticket.display_name,
                        channel=ticket.channel_id.name,
                    )
                )

    @api.constrains("ack_date", "response_date", "received_date")
    def _check_milestone_dates(self):
        limit = fields.Datetime.now() + FUTURE_TOLERANCE
        for ticket in self:
            for date, label in (
                (ticket.ack_date, self.env._("acknowledgement")),
                (ticket.response_date, self.env._("answer")),
            ):
                if not date:
                    continue
                if date > limit:
                    raise ValidationError(
                        self.env._(
                            "The %(milestone)s date of %(ticket)s is in the future.",
                            milestone=label,
                            ticket=ticket.display_name,
                        )
                    )
                if ticket.received_date and date < ticket.received_date:
                    raise ValidationError(
                        self.env._(
                            "The %(milestone)s date of %(ticket)s is before the date "
                            "the matter was received.",
                            milestone=label,
                            ticket=ticket.display_name,
                        )
                    )

    @api.constrains("event_id", "event_registration_id")
    def _check_registration_event(self):
        for ticket in self:
            registration = ticket.event_registration_id
            if registration and ticket.event_id and registration.event_id != ticket.event_id:
                raise ValidationError(
                    self.env._(
                        "The registration %(registration)s belongs to another session "
                        "than %(event)s.",
                        registration=registration.display_name,
                        event=ticket.event_id.display_name,
                    )
                )

    @api.constrains("stage_id", "qualiopi_nature")
    def _check_qualiopi_closing(self):
        for ticket in self:
            if not ticket.qualiopi_nature or not ticket.stage_id.closed:
                continue
            missing = ticket._qualiopi_missing_for_closing()
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(ticket)s cannot be closed yet: %(missing)s",
                        ticket=ticket.display_name,
                        missing=missing,
                    )
                )

    def _qualiopi_missing_for_closing(self):
        """What must be recorded before the record may close, or an empty string."""
        self.ensure_one()
        if self.qualiopi_nature == "complaint" and not self._qualiopi_has_answer_evidence():
            return self.env._(
                "a complaint needs a written answer sent to the complainant (button 'Send "
                "answer', or 'Record answer' for a letter with its scan)."
            )
        if self.qualiopi_nature == "hazard" and not (
            self.hazard_measure
            and (
                self.hazard_informed_trainees
                or self.hazard_informed_client
                or self.hazard_informed_funder
            )
        ):
            return self.env._(
                "a hazard needs its immediate measure and who was informed "
                "(trainees, client company or funder)."
            )
        if self.qualiopi_nature == "difficulty" and not self.difficulty_handling:
            return self.env._("a difficulty needs a description of how it was handled.")
        return ""

    def _qualiopi_has_answer_evidence(self):
        """Whether the answer is proven: the message sent through the answer
        composer, or a letter with its scan. A typed date alone proves nothing."""
        self.ensure_one()
        ticket = self.sudo()
        if not ticket.response_date:
            return False
        if ticket.qualiopi_imported:
            # A row of the register kept before Odoo: its answer was recorded
            # there (how, when), and the record shows it was imported (only a
            # record received before the day it was entered can be one: create).
            return bool(ticket.response_method)
        # The evidence must belong to this record (a link given on creation could
        # point to another record's message or file).
        if ticket.response_method == "email":
            message = ticket.response_message_id
            return bool(
                message
                and message.model == ticket._name
                and message.res_id == ticket.id
                and (not ticket.partner_id or ticket.partner_id in message.partner_ids)
            )
        if ticket.response_method == "letter":
            attachment = ticket.response_attachment_id
            return bool(
                attachment
                and attachment.res_model == ticket._name
                and attachment.res_id == ticket.id
            )
        return False

    def _qualiopi_evidence_records(self):
        return self.sudo().filtered("qualiopi_nature").with_env(self.env)

    @api.onchange("event_registration_id")
    def _onchange_event_registration_id(self):
        registration = self.event_registration_id
        if registration:
            self.event_id = registration.event_id
            if registration.partner_id and not self.partner_id:
                self.partner_id = registration.partner_id
            if not self.stakeholder_type:
                self.stakeholder_type = "trainee"

    @api.onchange("channel_id")
    def _onchange_channel_id_transcription(self):
        if self.channel_id.qualiopi_is_oral and not self.transcribed_by_id:
            self.transcribed_by_id = self.env.user
            self.transcription_date = fields.Datetime.now()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("qualiopi_nature") and vals.get("event_registration_id"):
                registration = self.env["event.registration"].browse(vals["event_registration_id"])
                vals.setdefault("event_id", registration.event_id.id)
                if not vals.get("partner_id") and registration.partner_id:
                    vals["partner_id"] = registration.partner_id.id
            if vals.get("qualiopi_nature") and vals.get("channel_id"):
                channel = self.env["helpdesk.ticket.channel"].browse(vals["channel_id"])
                if channel.qualiopi_is_oral and not vals.get("transcribed_by_id"):
                    if not self.env.user.share:
                        vals["transcribed_by_id"] = self.env.user.id
                        vals.setdefault("transcription_date", fields.Datetime.now())
            if vals.get("ack_date") or vals.get("response_date"):
                # Dates given at creation (an import of the former register) are
                # recorded evidence, marked as such whatever the context; a
                # message cannot prove them: it can only be posted on the record
                # once it exists.
                vals["qualiopi_imported"] = True
                vals.pop("ack_message_id", None)
                vals.pop("response_message_id", None)
            elif "qualiopi_imported" in vals and not self.env.su:
                vals.pop("qualiopi_imported")
        tickets = super().create(vals_list)
        # Evidence given at creation is a row of the register kept before Odoo:
        # a record received today is acknowledged and answered from Odoo.
        typed_today = tickets.filtered(
            lambda t: t.qualiopi_imported and not t._qualiopi_received_before_entry()
        )
        if typed_today and not self.env.su:
            raise ValidationError(
                self.env._(
                    "%(ticket)s: acknowledgement and answer dates can be given on "
                    "creation only for a record received before today (an import of "
                    "the register kept before Odoo). Record them with the acknowledgement "
                    "and answer buttons.",
                    ticket=typed_today[0].display_name,
                )
            )
        if not self.env.context.get("qualiopi_no_auto_ack"):
            tickets._qualiopi_auto_acknowledge()
        return tickets

    def write(self, vals):
        if "qualiopi_imported" in vals and not self.env.su:
            raise UserError(self.env._("Whether evidence was imported cannot be changed."))
        if not self.env.su:
            self._qualiopi_check_evidence_write_values(vals)
        return super().write(vals)

    def _qualiopi_check_evidence_write_values(self, vals):
        """Refuse a user's write of evidence: recorded evidence is written by
        the application only, typed evidence once (the correction wizard, for
        managers, writes as superuser)."""
        recorded = [fname for fname in RECORDED_EVIDENCE_FIELDS if fname in vals]
        if recorded:
            raise AccessError(
                self.env._(
                    "%(fields)s: evidence recorded by the application (acknowledgement "
                    "and answer buttons) cannot be typed in. A Qualiopi manager corrects "
                    "it with 'Correct evidence', giving a reason.",
                    fields=", ".join(self._qualiopi_field_label(fname) for fname in recorded),
                )
            )
        for fname in SET_ONCE_EVIDENCE_FIELDS:
            if fname not in vals:
                continue
            field = self._fields[fname]
            for ticket in self:
                old = ticket[fname]
                new = field.convert_to_record(field.convert_to_cache(vals[fname], ticket), ticket)
                if ticket.qualiopi_nature and old and old != new:
                    raise AccessError(
                        self.env._(
                            "The %(field)s of %(ticket)s is evidence for the audit: it is "
                            "set once. A Qualiopi manager corrects it with 'Correct "
                            "evidence', giving a reason.",
                            field=self._qualiopi_field_label(fname),
                            ticket=ticket.display_name,
                        )
                    )

    @api.model
    def _qualiopi_field_label(self, fname):
        return self._fields[fname].get_description(self.env)["string"]

    def _qualiopi_write_evidence(self, vals):
        """Write evidence on behalf of a flow that checked the user's right."""
        self.check_access("write")
        return self.sudo().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_acknowledged(self):
        for ticket in self:
            if ticket.qualiopi_nature and ticket.ack_date:
                raise UserError(
                    self.env._(
                        "%(ticket)s has been acknowledged: it is evidence for the "
                        "Qualiopi audit and cannot be deleted. Archive it instead.",
                        ticket=ticket.display_name,
                    )
                )

    @api.model
    def get_import_templates(self):
        """The spreadsheet to fill with the register kept before Odoo."""
        return [
            {
                "label": self.env._("Import template for the Qualiopi register"),
                "template": "/qualiopi_reclamation/static/xls/qualiopi_register_import.xlsx",
            }
        ]

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg, custom_values=None):
        """An email to the alias of a team with a default nature is a record.

        An automatic message (auto-reply, list, bounce: see mail_thread.py) is
        filed as a plain ticket, whatever the alias's defaults say.
        """
        values = dict(custom_values or {})
        if self.env.context.get("qualiopi_auto_message"):
            values.pop("qualiopi_nature", None)
            values.pop("stakeholder_type", None)
            return super().message_new(msg, custom_values=values)
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id") or [])
        if team.exists() and team.qualiopi_default_nature and not values.get("qualiopi_nature"):
            values["qualiopi_nature"] = team.qualiopi_default_nature
            values.setdefault("stakeholder_type", "other")
            channel = self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
            )
            if channel and not values.get("channel_id"):
                values["channel_id"] = channel.id
        return super().message_new(msg, custom_values=values)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _qualiopi_received_before_entry(self):
        """Whether this record was received before the day it is entered in Odoo
        (the record's time zone): a backdated letter or a row of the register
        kept before Odoo, whose acknowledgement is not Odoo's to send."""
        self.ensure_one()
        if not self.received_date:
            return False
        tz = pytz.timezone(self._qualiopi_tz() or "UTC")
        entered = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start_of_day = tz.localize(datetime.datetime.combine(entered.date(), datetime.time.min))
        return self.received_date < start_of_day.astimezone(pytz.utc).replace(tzinfo=None)

    def _qualiopi_auto_acknowledge(self):
        """Acknowledge, on creation, the complaints received today: one received
        earlier (imported, backdated) is acknowledged by hand or recorded."""
        to_ack = self.filtered(
            lambda t: (
                t.qualiopi_nature == "complaint"
                and not t.ack_date
                and t.company_id.qualiopi_auto_ack
                and (t.partner_id.email or t.partner_email)
                and not t._qualiopi_received_before_entry()
            )
        )
        if to_ack:
            to_ack.action_qualiopi_acknowledge()

    def action_qualiopi_acknowledge(self):
        """Email the acknowledgement of receipt through the chatter.

        Records already acknowledged are skipped, so that acknowledging twice
        sends nothing.
        """
        self.check_access("write")
        template = self.env.ref("qualiopi_reclamation.mail_template_acknowledgement")
        to_ack = self.filtered(lambda t: t.qualiopi_nature and not t.ack_date)
        missing_email = to_ack.filtered(lambda t: not (t.partner_id.email or t.partner_email))
        if missing_email:
            raise UserError(
                self.env._(
                    "%(tickets)s: the complainant has no email address. Record how "
                    "the acknowledgement was given instead (button 'Record "
                    "acknowledgement').",
                    tickets=", ".join(missing_email.mapped("display_name")),
                )
            )
        for ticket in to_ack:
            message = ticket.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                # The email's title: the reference, not the subject typed by the sender.
                record_name=ticket.number,
            )
            ticket._qualiopi_write_evidence(
                {
                    # The evidence's date is the message's.
                    "ack_date": message[:1].date or fields.Datetime.now(),
                    "ack_method": "email",
                    "ack_user_id": self.env.user.id,
                    "ack_message_id": message[:1].id,
                }
            )
        return True

    def action_qualiopi_record_acknowledgement(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record acknowledgement"),
            "res_model": "qualiopi.acknowledge.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_qualiopi_send_response(self):
        """Open the composer preset with the answer template."""
        self.ensure_one()
        self.check_access("write")
        if not self.qualiopi_nature:
            raise UserError(self.env._("This ticket is not a Qualiopi record."))
        if not (self.partner_id.email or self.partner_email):
            raise UserError(
                self.env._(
                    "%(ticket)s: the complainant has no email address; record their "
                    "contact details before sending the answer.",
                    ticket=self.display_name,
                )
            )
        template = self.env.ref("qualiopi_reclamation.mail_template_response")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send answer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "qualiopi_response": True,
                "force_email": True,
            },
        }

    def _qualiopi_record_response(self, messages):
        """Called by the composer once the answer is posted: the message sent to
        the complainant is the evidence of the answer."""
        self.check_access("write")
        now = fields.Datetime.now()
        for ticket in self:
            message = messages.filtered(lambda m, t=ticket: m.res_id == t.id)[:1]
            if not message or (ticket.partner_id and ticket.partner_id not in message.partner_ids):
                raise UserError(
                    self.env._(
                        "%(ticket)s: the answer must be sent to the complainant (%(partner)s).",
                        ticket=ticket.display_name,
                        partner=ticket.partner_id.display_name or ticket.partner_email or "",
                    )
                )
            if ticket.response_date:
                # A second answer is kept in the chatter; the first stays the
                # evidence of the deadline being met.
                continue
            ticket._qualiopi_write_evidence(
                {
                    "response_date": message.date or now,
                    "response_method": "email",
                    "response_user_id": self.env.user.id,
                    "response_message_id": message.id,
                }
            )

    def action_qualiopi_record_response(self):
        """Record an answer given by letter (with its scan), phone or in person."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record answer"),
            "res_model": "qualiopi.response.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_qualiopi_correct_evidence(self):
        self.ensure_one()
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(self.env._("Only a Qualiopi manager can correct evidence."))
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct evidence"),
            "res_model": "qualiopi.evidence.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_qualiopi_create_improvement_action(self):
        self.ensure_one()
        self.check_access("write")
        action_type = self.env.context.get("qualiopi_action_type") or (
            "preventive" if self.is_recurrent else "corrective"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Improvement action"),
            "res_model": "qualiopi.improvement.action",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_ticket_ids": [fields.Command.set(self.ids)],
                "default_action_type": action_type,
                "default_name": self.name,
                "default_description": self.root_cause or False,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_improvement_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_improvement_action"
        )
        action["domain"] = [("ticket_ids", "in", self.ids)]
        action["context"] = {"default_ticket_ids": [fields.Command.set(self.ids)]}
        return action

    # ------------------------------------------------------------------
    # Deadline cron
    # ------------------------------------------------------------------

    def _qualiopi_responsible_user(self):
        self.ensure_one()
        for user in (self.user_id, self.team_id.user_id, self.create_uid):
            if user and not user.share and user.active:
                return user
        return self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user

    @api.model
    def _qualiopi_milestones(self):
        """(date field, deadline field, reminder field, flags, activity summary)."""
        return [
            (
                "ack_date",
                "ack_deadline",
                "ack_reminder_date",
                "ack_reminder_sent",
                "ack_late_notified",
                self.env._("Acknowledgement due"),
                self.env._("Acknowledgement overdue"),
            ),
            (
                "response_date",
                "response_deadline",
                "response_reminder_date",
                "response_reminder_sent",
                "response_late_notified",
                self.env._("Answer due"),
                self.env._("Answer overdue"),
            ),
        ]

    def _qualiopi_notify_milestones(self, todo):
        """Schedule the activities of ``todo`` ({ticket id: [(summary, flag,
        deadline field)]}) for these tickets, and set their flags."""
        activity_type = self.env.ref("qualiopi_reclamation.mail_activity_type_qualiopi_deadline")
        model_id = self.env["ir.model"]._get_id(self._name)
        activities = []
        flags = {}
        for ticket in self:
            for summary, flag, deadline_field in todo[ticket.id]:
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": ticket.id,
                        "activity_type_id": activity_type.id,
                        "summary": summary,
                        # The note is HTML: the ticket's name (typed by the
                        # complainant) goes in as text.
                        "note": Markup("<p>%s</p>")
                        % self.env._(
                            "%(summary)s for %(ticket)s: deadline %(deadline)s.",
                            summary=summary,
                            ticket=ticket.display_name,
                            deadline=tools.format_datetime(
                                self.env,
                                ticket[deadline_field],
                                tz=ticket._qualiopi_tz(),
                                dt_format="short",
                            ),
                        ),
                        "date_deadline": fields.Date.to_date(ticket[deadline_field]),
                        "user_id": ticket._qualiopi_responsible_user().id,
                    }
                )
                flags.setdefault(flag, self.browse())
                flags[flag] |= ticket
        for flag, tickets in flags.items():
            tickets.write({flag: True})
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            activities
        )

    @api.model
    def _cron_qualiopi_deadlines(self):
        """Flag overdue records and schedule one activity per milestone, once.

        Every search below is bounded by the flags it then sets, so that the cost
        follows the records whose state changes, not the size of the register.
        """
        now = fields.Datetime.now()
        open_domain = [("qualiopi_nature", "!=", False), ("stage_id.closed", "=", False)]
        # 1. The overdue flag depends on the clock: recompute it where it flips.
        becoming_late = self.search(
            [
                *open_domain,
                ("is_overdue", "=", False),
                "|",
                "&",
                ("ack_date", "=", False),
                ("ack_deadline", "<", now),
                "&",
                ("response_date", "=", False),
                ("response_deadline", "<", now),
            ]
        )
        self.env.add_to_compute(self._fields["is_overdue"], becoming_late)
        becoming_late.flush_recordset(["is_overdue"])

        # 2. Reminders and escalations: one activity per ticket and milestone.
        todo = {}
        for (
            date_field,
            deadline_field,
            reminder_field,
            reminder_flag,
            late_flag,
            due_summary,
            late_summary,
        ) in self._qualiopi_milestones():
            pending = [*open_domain, (date_field, "=", False)]
            late = self.search([*pending, (deadline_field, "<", now), (late_flag, "=", False)])
            due = self.search(
                [
                    *pending,
                    (reminder_field, "<=", now),
                    (deadline_field, ">=", now),
                    (reminder_flag, "=", False),
                ]
            )
            for tickets, summary, flag in (
                (due, due_summary, reminder_flag),
                (late, late_summary, late_flag),
            ):
                for ticket in tickets:
                    todo.setdefault(ticket.id, []).append((summary, flag, deadline_field))
        if not todo:
            return True
        # A concurrent run holds the tickets it is processing: skip them rather
        # than notify them twice.
        self.env.cr.execute(
            "SELECT id FROM helpdesk_ticket WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
            [tuple(todo)],
        )
        tickets = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        # One savepoint for the batch, one per ticket if it fails: a bad ticket
        # keeps its error and the others get their activities.
        tickets._qualiopi_process_isolated(lambda batch: batch._qualiopi_notify_milestones(todo))
        return True

    # ------------------------------------------------------------------
    # The contact of a public submission: never taken on the visitor's word
    # ------------------------------------------------------------------

    partner_phone = fields.Char(
        string="Phone",
        help="The phone number the complainant typed in the public form.",
    )
    qualiopi_suggested_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Suggested contact",
        compute="_compute_qualiopi_suggested_partner_id",
        help="The contact whose email is the one typed by the complainant. The "
        "record is linked to it only when a Qualiopi user checks it is the same "
        "person: anyone can type any address in the public form.",
    )

    @api.depends("partner_id", "partner_email", "company_id")
    def _compute_qualiopi_suggested_partner_id(self):
        Partner = self.env["res.partner"]
        for ticket in self:
            email = tools.email_normalize(ticket.partner_email or "")
            ticket.qualiopi_suggested_partner_id = (
                Partner.search(
                    [
                        ("email_normalized", "=", email),
                        ("company_id", "in", (ticket.company_id.id, False)),
                    ],
                    order="id",
                    limit=1,
                )
                if email and not ticket.partner_id
                else Partner
            )

    def action_qualiopi_link_suggested_partner(self):
        """Link the suggested contact, after a Qualiopi user checked it.

        The link the visitor got (access token) was given to whoever typed the
        address: it is renewed, so that it never opens a contact's record nor
        lets its holder write as that contact.
        """
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise AccessError(self.env._("Only a Qualiopi user can link a contact."))
        self.check_access("write")
        for ticket in self:
            partner = ticket.qualiopi_suggested_partner_id
            if not partner:
                raise UserError(
                    self.env._(
                        "%(ticket)s: no contact has the email address of the complainant.",
                        ticket=ticket.display_name,
                    )
                )
            values = {"partner_id": partner.id, "access_token": False}
            if ticket.event_id and not ticket.event_registration_id:
                registration = ticket.event_id.sudo().registration_ids.filtered(
                    lambda r, p=partner: r.partner_id == p
                )[:1]
                if registration:
                    values["event_registration_id"] = registration.id
            ticket.write(values)
            ticket._portal_ensure_token()
            ticket.message_post(
                body=self.env._(
                    "Contact %(partner)s linked by %(user)s: the email address typed "
                    "by the complainant is theirs.",
                    partner=partner.display_name,
                    user=self.env.user.name,
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
        return True
