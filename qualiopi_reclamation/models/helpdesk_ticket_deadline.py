from odoo import api, fields, models, tools


class HelpdeskTicket(models.Model):
    """Business-day deadlines of the acknowledgement and the answer, and the
    cron that reminds and escalates them (``qualiopi.deadline.mixin``)."""

    _inherit = "helpdesk.ticket"

    # Acknowledgement and answer
    ack_deadline = fields.Datetime(
        string="Acknowledgement deadline",
        compute="_compute_qualiopi_deadlines",
        store=True,
        index=True,
    )
    ack_reminder_date = fields.Datetime(compute="_compute_qualiopi_deadlines", store=True)
    response_deadline = fields.Datetime(
        string="Answer deadline",
        compute="_compute_qualiopi_deadlines",
        store=True,
        index=True,
    )
    response_reminder_date = fields.Datetime(compute="_compute_qualiopi_deadlines", store=True)
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
        # Shown to portal users and visitors, who may not read the team or
        # the company's calendar.
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
        # One request per calendar, so that its working days are read once
        # whatever the number of records (creation in bulk, recomputation).
        todo = {}
        for ticket in self:
            ticket.ack_deadline = ticket.ack_reminder_date = False
            ticket.response_deadline = ticket.response_reminder_date = False
            if not ticket.qualiopi_nature or not ticket.received_date:
                continue
            company = ticket.company_id
            for milestone, days in (
                ("ack", company.qualiopi_ack_days),
                ("response", company.qualiopi_response_days),
            ):
                if milestone in self._qualiopi_milestones_of(ticket.qualiopi_nature):
                    todo.setdefault(ticket._qualiopi_calendar(), []).append(
                        (ticket, milestone, days)
                    )
        for calendar, requests in todo.items():
            days = calendar._qualiopi_business_days(
                [(ticket.received_date, count) for ticket, _milestone, count in requests]
            )
            for (ticket, milestone, _count), (start, stop) in zip(requests, days, strict=True):
                ticket[f"{milestone}_deadline"] = stop
                ticket[f"{milestone}_reminder_date"] = start

    @api.model
    def _qualiopi_milestones_of(self, nature):
        """The milestones that a record of this nature has a deadline for: a
        complaint is acknowledged then answered, a difficulty answered."""
        return {"complaint": ("ack", "response"), "difficulty": ("response",)}.get(nature, ())

    @api.depends(
        "qualiopi_nature",
        "ack_date",
        "response_date",
        "ack_deadline",
        "response_deadline",
        "stage_id.closed",
    )
    def _compute_is_overdue(self):
        self._qualiopi_compute_overdue()

    # ------------------------------------------------------------------
    # Deadlines (qualiopi.deadline.mixin)
    # ------------------------------------------------------------------

    _qualiopi_overdue_field = "is_overdue"

    @api.model
    def _qualiopi_deadline_open_domain(self):
        return [("qualiopi_nature", "!=", False), ("stage_id.closed", "=", False)]

    @api.model
    def _qualiopi_deadline_milestones(self):
        activity_type = "qualiopi_reclamation.mail_activity_type_qualiopi_deadline"
        return [
            {
                "pending": [("ack_date", "=", False)],
                "deadline": "ack_deadline",
                "reminder": "ack_reminder_date",
                "reminder_flag": "ack_reminder_sent",
                "late_flag": "ack_late_notified",
                "due_summary": self.env._("Acknowledgement due"),
                "late_summary": self.env._("Acknowledgement overdue"),
                "activity_type": activity_type,
            },
            {
                "pending": [("response_date", "=", False)],
                "deadline": "response_deadline",
                "reminder": "response_reminder_date",
                "reminder_flag": "response_reminder_sent",
                "late_flag": "response_late_notified",
                "due_summary": self.env._("Answer due"),
                "late_summary": self.env._("Answer overdue"),
                "activity_type": activity_type,
            },
        ]

    def _qualiopi_responsible_candidates(self):
        """The assigned user, else the team leader, else who recorded it."""
        self.ensure_one()
        return [self.user_id, self.team_id.user_id, self.create_uid]

    def _qualiopi_escalation_candidates(self):
        """Above the assignee: the team leader (then a Qualiopi manager)."""
        self.ensure_one()
        return [self.team_id.user_id]

    @api.model
    def _cron_qualiopi_deadlines(self):
        """Flag overdue records and schedule one activity per milestone, once."""
        return self._qualiopi_run_deadlines()
