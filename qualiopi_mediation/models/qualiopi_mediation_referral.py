import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

REFERRAL_STATES = [
    ("referred", "Referred"),
    ("in_progress", "In progress"),
    ("agreement", "Agreement"),
    ("no_agreement", "No agreement"),
    ("withdrawn", "Withdrawn"),
    ("inadmissible", "Inadmissible"),
]
OPEN_STATES = ("referred", "in_progress")
REQUESTERS = [
    ("complainant", "The complainant"),
    ("organisation", "The organisation"),
    ("joint", "Both, jointly"),
]
# Code de la consommation R612-5: the mediator gives the outcome within 90 days
# of receiving the complete file.
OUTCOME_DAYS = 90
# The person responsible is reminded this many days before the 90 days run out.
REMINDER_DAYS = 15


class QualiopiMediationReferral(models.Model):
    _name = "qualiopi.mediation.referral"
    _description = "Mediation referral"
    _inherit = ["mail.thread", "mail.activity.mixin", "qualiopi.deadline.mixin"]
    _qualiopi_evidence = True
    _order = "referral_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Complaint",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('qualiopi_nature', '=', 'complaint')]",
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )
    partner_id = fields.Many2one(related="ticket_id.partner_id", string="Complainant")
    received_date = fields.Datetime(
        related="ticket_id.received_date", string="Complaint received on"
    )
    ack_date = fields.Datetime(related="ticket_id.ack_date", string="Complaint acknowledged on")
    mediator_id = fields.Many2one(
        comodel_name="qualiopi.mediator",
        required=True,
        tracking=True,
        check_company=True,
        default=lambda self: self.env.company.qualiopi_mediator_id,
    )
    referral_date = fields.Date(
        string="Referred on",
        required=True,
        tracking=True,
        default=fields.Date.context_today,
        help="The day the mediator received the case: the 90 days of the outcome "
        "are counted from it.",
    )
    requested_by = fields.Selection(
        selection=REQUESTERS,
        string="Requested by",
        required=True,
        default="complainant",
        tracking=True,
    )
    mediator_reference = fields.Char(string="Mediator's file reference", tracking=True, copy=False)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        selection=REFERRAL_STATES,
        required=True,
        default="referred",
        tracking=True,
        index=True,
        copy=False,
    )
    outcome_date = fields.Date(string="Outcome on", tracking=True, copy=False)
    outcome_deadline = fields.Date(
        string="Outcome due by",
        compute="_compute_outcome_deadline",
        store=True,
        index=True,
        help="90 days after the referral (Code de la consommation, R612-5).",
    )
    outcome_reminder_date = fields.Date(compute="_compute_outcome_deadline", store=True)
    is_outcome_late = fields.Boolean(
        string="Outcome overdue",
        compute="_compute_is_outcome_late",
        store=True,
        index=True,
    )
    outcome_reminder_sent = fields.Boolean(copy=False)
    outcome_late_notified = fields.Boolean(copy=False)
    summary = fields.Html()
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="qualiopi_mediation_referral_ir_attachment_rel",
        column1="referral_id",
        column2="attachment_id",
        string="Documents",
        copy=False,
    )
    admissibility_warning = fields.Text(
        compute="_compute_admissibility_warning",
        compute_sudo=True,
        help="Why the mediator may refuse the case.",
    )
    is_admissibility_doubtful = fields.Boolean(
        string="Admissibility doubtful",
        compute="_compute_is_admissibility_doubtful",
        store=True,
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("referral_date")
    def _compute_outcome_deadline(self):
        for referral in self:
            if referral.referral_date:
                deadline = referral.referral_date + datetime.timedelta(days=OUTCOME_DAYS)
                referral.outcome_deadline = deadline
                referral.outcome_reminder_date = deadline - datetime.timedelta(days=REMINDER_DAYS)
            else:
                referral.outcome_deadline = referral.outcome_reminder_date = False

    @api.depends("state", "outcome_deadline")
    def _compute_is_outcome_late(self):
        self._qualiopi_compute_overdue()

    @api.depends(
        "referral_date",
        "ticket_id.qualiopi_nature",
        "ticket_id.received_date",
        "ticket_id.ack_date",
    )
    def _compute_admissibility_warning(self):
        for referral in self:
            warnings = referral._qualiopi_admissibility_warnings()
            referral.admissibility_warning = "\n".join(warnings) or False

    @api.depends(
        "referral_date",
        "ticket_id.qualiopi_nature",
        "ticket_id.received_date",
        "ticket_id.ack_date",
    )
    def _compute_is_admissibility_doubtful(self):
        for referral in self:
            referral.is_admissibility_doubtful = bool(referral._qualiopi_admissibility_warnings())

    def _qualiopi_admissibility_warnings(self):
        """Why the mediator may refuse the case (Code de la consommation L612-2)."""
        self.ensure_one()
        ticket = self.ticket_id
        referral_date = self.referral_date
        if not ticket or not referral_date:
            return []
        warnings = []
        ack_date = ticket.ack_date and fields.Date.to_date(ticket.ack_date)
        if ticket.qualiopi_nature != "complaint" or not ack_date or ack_date > referral_date:
            warnings.append(
                self.env._(
                    "No acknowledged written complaint before the referral: the "
                    "mediator refuses a case that was not first submitted in writing "
                    "to the organisation."
                )
            )
        received = ticket.received_date and fields.Date.to_date(ticket.received_date)
        if received and referral_date > received + relativedelta(years=1):
            warnings.append(
                self.env._(
                    "The referral comes more than one year after the written "
                    "complaint (received on %(date)s): the mediator refuses a case "
                    "filed that late.",
                    date=fields.Date.to_string(received),
                )
            )
        return warnings

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("ticket_id")
    def _check_ticket_is_complaint(self):
        for referral in self:
            if referral.ticket_id.qualiopi_nature != "complaint":
                raise ValidationError(
                    self.env._(
                        "%(ticket)s is not a complaint: only a complaint can be "
                        "referred to mediation.",
                        ticket=referral.ticket_id.display_name,
                    )
                )

    @api.constrains("referral_date", "outcome_date", "state", "ticket_id")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for referral in self:
            if referral.referral_date > today:
                raise ValidationError(
                    self.env._(
                        "The referral date of %(referral)s is in the future: record "
                        "a referral once the mediator has received the case.",
                        referral=referral.name,
                    )
                )
            received = referral.ticket_id.received_date
            if received and referral.referral_date < fields.Date.to_date(received):
                raise ValidationError(
                    self.env._(
                        "The referral date of %(referral)s is before the complaint "
                        "was received (%(date)s).",
                        referral=referral.name,
                        date=fields.Date.to_string(fields.Date.to_date(received)),
                    )
                )
            if referral.outcome_date:
                if referral.outcome_date > today:
                    raise ValidationError(
                        self.env._(
                            "The outcome date of %(referral)s is in the future.",
                            referral=referral.name,
                        )
                    )
                if referral.outcome_date < referral.referral_date:
                    raise ValidationError(
                        self.env._(
                            "The outcome date of %(referral)s cannot be before its referral date.",
                            referral=referral.name,
                        )
                    )
            if referral.state not in OPEN_STATES and not referral.outcome_date:
                raise ValidationError(
                    self.env._(
                        "%(referral)s is closed (%(state)s): record the date of its outcome.",
                        referral=referral.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            referral.state
                        ],
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "qualiopi.mediation.referral"
                ) or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        for referral in self:
            if referral.state not in OPEN_STATES:
                raise UserError(
                    self.env._(
                        "%(referral)s has an outcome: it is evidence for the Qualiopi "
                        "audit and cannot be deleted.",
                        referral=referral.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _qualiopi_set_state(self, state):
        today = fields.Date.context_today(self)
        for referral in self:
            values = {"state": state}
            if state not in OPEN_STATES and not referral.outcome_date:
                values["outcome_date"] = today
            if state in OPEN_STATES:
                values["outcome_date"] = False
            referral.write(values)
        return True

    def action_start(self):
        return self._qualiopi_set_state("in_progress")

    def action_agreement(self):
        return self._qualiopi_set_state("agreement")

    def action_no_agreement(self):
        return self._qualiopi_set_state("no_agreement")

    def action_withdrawn(self):
        return self._qualiopi_set_state("withdrawn")

    def action_inadmissible(self):
        return self._qualiopi_set_state("inadmissible")

    def action_reopen(self):
        return self._qualiopi_set_state("referred")

    def action_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
        }

    @api.model
    def _qualiopi_user_reads_files(self):
        """Qualiopi managers and auditors read the referral files; a plain
        Qualiopi user only sees the mediation state on the record. The same test
        is the record rule ``qualiopi_mediation_referral_rule_files``."""
        user = self.env.user
        return bool(
            self.env.su
            or user.has_group("qualiopi_reclamation.group_qualiopi_manager")
            or (
                user.has_group("qualiopi_reclamation.group_qualiopi_auditor")
                and not user.has_group("qualiopi_reclamation.group_qualiopi_user")
            )
        )

    # ------------------------------------------------------------------
    # Outcome tracking (qualiopi.deadline.mixin, run by the deadline cron)
    # ------------------------------------------------------------------

    _qualiopi_overdue_field = "is_outcome_late"

    @api.model
    def _qualiopi_deadline_now(self):
        # Date deadlines: late from the day after, in the user's time zone.
        today = fields.Date.context_today(self)
        return datetime.datetime.combine(today, datetime.time.min)

    @api.model
    def _qualiopi_deadline_open_domain(self):
        return [("state", "in", OPEN_STATES)]

    @api.model
    def _qualiopi_deadline_milestones(self):
        return [
            {
                "pending": [],
                "deadline": "outcome_deadline",
                "reminder": "outcome_reminder_date",
                "reminder_flag": "outcome_reminder_sent",
                "late_flag": "outcome_late_notified",
                "due_summary": self.env._("Mediation outcome due"),
                "late_summary": self.env._("Mediation outcome overdue"),
                "activity_type": "qualiopi_mediation.mail_activity_type_mediation_outcome",
            }
        ]

    def _qualiopi_responsible_candidates(self):
        """The referral's owner, else whoever is responsible for its complaint."""
        self.ensure_one()
        return [self.user_id, *self.ticket_id._qualiopi_responsible_candidates()]

    def _qualiopi_escalation_candidates(self):
        """Above the referral's owner: its complaint's team leader."""
        self.ensure_one()
        return self.ticket_id._qualiopi_escalation_candidates()

    def _qualiopi_deadline_note(self, milestone, summary):
        self.ensure_one()
        return self.env._(
            "%(summary)s for %(referral)s (%(ticket)s): the mediator "
            "%(mediator)s should give the outcome by %(deadline)s. "
            "Ask the mediator and record the outcome.",
            summary=summary,
            referral=self.name,
            ticket=self.ticket_id.display_name,
            mediator=self.mediator_id.name,
            deadline=tools.format_date(self.env, self.outcome_deadline),
        )

    @api.model
    def _cron_qualiopi_mediation_outcomes(self):
        """Reminder before the 90 days run out, then overdue: one activity each."""
        return self._qualiopi_run_deadlines()
