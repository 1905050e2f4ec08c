import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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
    # An anonymous report's, posted on its follow-up page (the application's
    # only, never recorded by hand).
    ("follow_up_page", "Follow-up page"),
]
# How an answer given outside the answer composer can be recorded; a complaint
# is answered in writing, so only a letter (with its scan) closes one.
RESPONSE_METHODS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("phone", "Phone"),
    ("in_person", "In person"),
    ("follow_up_page", "Follow-up page"),
]
# Recorded by the answer composer from the message it sent, never by hand.
SENT_METHODS = ("email", "follow_up_page")
# Where a record stands, consistent with its helpdesk stage: "closed" in a
# closed stage and only there; an escalated milestone or a mediation in
# progress shows before the ordinary progress; a record closed once and back
# in an open stage is "reopened".
QUALIOPI_STATUSES = [
    ("new", "To acknowledge"),
    ("acknowledged", "Acknowledged"),
    ("analysis", "In analysis"),
    ("escalated", "Escalated"),
    ("mediation", "In mediation"),
    ("answered", "Answered"),
    ("reopened", "Reopened"),
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

    _inherit = ["helpdesk.ticket", "qualiopi.deadline.mixin"]

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
    qualiopi_client_partner_id = fields.Many2one(
        comodel_name="res.partner", string="Client company", tracking=True
    )
    qualiopi_funder_partner_id = fields.Many2one(
        comodel_name="res.partner", string="Funder", tracking=True
    )
    qualiopi_funding_type = fields.Selection(
        selection=FUNDING_TYPES, string="Funding type", tracking=True
    )
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
    qualiopi_transcribed_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Transcribed by",
        tracking=True,
        help="For a complaint received orally: who wrote it down.",
    )
    qualiopi_transcription_date = fields.Datetime(string="Transcribed on", tracking=True)
    qualiopi_status = fields.Selection(
        selection=QUALIOPI_STATUSES,
        string="Qualiopi status",
        compute="_compute_qualiopi_status",
        store=True,
        index=True,
    )

    # Hazard and difficulty handling
    qualiopi_hazard_measure = fields.Text(
        string="Immediate measure", tracking=True, help="What was done at once."
    )
    qualiopi_hazard_informed_trainees = fields.Boolean(string="Trainees informed", tracking=True)
    qualiopi_hazard_informed_client = fields.Boolean(
        string="Client company informed", tracking=True
    )
    qualiopi_hazard_informed_funder = fields.Boolean(string="Funder informed", tracking=True)
    qualiopi_hazard_informed_date = fields.Datetime(string="Informed on", tracking=True)
    qualiopi_difficulty_handling = fields.Text(
        string="Handling of the difficulty",
        tracking=True,
        help="How the difficulty was handled: adjustment, referral, support...",
    )

    # Extension point: the mediation addon fills it with the mediator's details,
    # which the acknowledgement and answer emails print.
    qualiopi_mediation_notice_html = fields.Html(
        compute="_compute_qualiopi_mediation_notice_html", sanitize=False
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends(
        "qualiopi_nature",
        "ack_date",
        "response_date",
        "stage_id.closed",
        "closed_date",
        "ack_late_notified",
        "response_late_notified",
        "qualiopi_cause_category_id",
        "qualiopi_root_cause",
    )
    def _compute_qualiopi_status(self):
        for ticket in self:
            ticket.qualiopi_status = ticket._qualiopi_status()

    def _qualiopi_status(self):
        """The status of the record, from its stage first, so that the two
        never contradict each other: closed exactly in a closed stage."""
        self.ensure_one()
        if not self.qualiopi_nature:
            return False
        if self.stage_id.closed:
            return "closed"
        if self._qualiopi_in_mediation():
            return "mediation"
        if (self.ack_late_notified and not self.ack_date) or (
            self.response_late_notified and not self.response_date
        ):
            # The deadline cron escalated a milestone still not done.
            return "escalated"
        if self.closed_date:
            # Closed once (the helpdesk dates every closing), open again.
            return "reopened"
        if self.response_date:
            return "answered"
        if self.qualiopi_nature == "complaint" and not self.ack_date:
            return "new"
        if self.qualiopi_cause_category_id or self.qualiopi_root_cause:
            return "analysis"
        return "acknowledged"

    def _qualiopi_in_mediation(self):
        """Whether a mediation is in progress (the mediation addon says)."""
        self.ensure_one()
        return False

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

    @api.constrains("qualiopi_nature", "channel_id", "qualiopi_transcribed_by_id")
    def _check_transcription(self):
        for ticket in self:
            if (
                ticket.qualiopi_nature
                and ticket.channel_id.qualiopi_is_oral
                and not ticket.qualiopi_transcribed_by_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(ticket)s was received orally (%(channel)s): record who transcribed it.",
                        ticket=ticket.display_name,
                        channel=ticket.channel_id.name,
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
        if self.channel_id.qualiopi_is_oral and not self.qualiopi_transcribed_by_id:
            self.qualiopi_transcribed_by_id = self.env.user
            self.qualiopi_transcription_date = fields.Datetime.now()

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
                if channel.qualiopi_is_oral and not vals.get("qualiopi_transcribed_by_id"):
                    if not self.env.user.share:
                        vals["qualiopi_transcribed_by_id"] = self.env.user.id
                        vals.setdefault("qualiopi_transcription_date", fields.Datetime.now())
            if vals.get("qualiopi_nature"):
                self._qualiopi_default_owner(vals)
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

    @api.model
    def _qualiopi_default_owner(self, vals):
        """Every Qualiopi record has a team and an owner from its creation,
        whatever its channel: the company's complaint team when none is given,
        and that team's leader when no member of it is (OdooBot, who creates
        the records of the public form, the email gateway and the surveys, is
        nobody's owner)."""
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        if not vals.get("team_id") and company.qualiopi_public_team_id:
            vals["team_id"] = company.qualiopi_public_team_id.id
        team = self.env["helpdesk.ticket.team"].browse(vals.get("team_id"))
        user = self.env["res.users"].browse(vals.get("user_id"))
        owner_missing = not user or user._is_superuser() or (team and user not in team.user_ids)
        if team.user_id and owner_missing:
            vals["user_id"] = team.user_id.id

    def write(self, vals):
        if "qualiopi_imported" in vals and not self.env.su:
            raise UserError(self.env._("Whether evidence was imported cannot be changed."))
        if not self.env.su:
            self._qualiopi_check_evidence_write_values(vals)
        return super().write(vals)

    def _qualiopi_action_open_register(self):
        """The register's window on these records."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_register"
        )
        action["domain"] = [("id", "in", self.ids)]
        return action

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
