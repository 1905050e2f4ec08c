from odoo import api, fields, models
from odoo.exceptions import UserError

from .qualiopi_mediation_referral import OPEN_STATES, REFERRAL_STATES
from .res_company import CONSUMER_FUNDING_TYPES


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    mediation_referral_ids = fields.One2many(
        comodel_name="qualiopi.mediation.referral",
        inverse_name="ticket_id",
        string="Mediation referrals",
        copy=False,
    )
    mediation_referral_count = fields.Integer(
        compute="_compute_mediation_referral_count", compute_sudo=True
    )
    # Readable by every Qualiopi user, who cannot open the referral files.
    mediation_state = fields.Selection(
        selection=REFERRAL_STATES,
        string="Mediation",
        compute="_compute_mediation_state",
        store=True,
        index=True,
        compute_sudo=True,
        help="State of the latest referral of this complaint to the mediator.",
    )
    mediation_informed_date = fields.Datetime(
        string="Mediation information sent on",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the complainant was first told about the mediator, by the "
        "acknowledgement or the answer that carried the mediator's details.",
    )
    mediation_informed_message_id = fields.Many2one(
        comodel_name="mail.message",
        string="Message with the mediation information",
        readonly=True,
        copy=False,
    )
    qualiopi_unresolved = fields.Boolean(
        string="Not resolved",
        tracking=True,
        help="The complainant's request is not (fully) met: the answer must tell "
        "them about the mediator.",
    )
    qualiopi_mediation_required = fields.Boolean(
        string="Mediation information required",
        compute="_compute_qualiopi_mediation_required",
        help="A complaint found unfounded or partly founded, or not resolved: its "
        "answer must carry the mediator's details.",
    )
    qualiopi_is_consumer = fields.Boolean(
        string="Individual",
        compute="_compute_qualiopi_mediation_required",
        help="Funded by CPF or by the trainee: a consumer contract, under the Code "
        "de la consommation.",
    )
    qualiopi_mediator_missing = fields.Boolean(compute="_compute_qualiopi_mediation_required")
    mediation_can_read_files = fields.Boolean(compute="_compute_mediation_can_read_files")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("mediation_referral_ids.state", "mediation_referral_ids.referral_date")
    def _compute_mediation_state(self):
        for ticket in self:
            referrals = ticket.mediation_referral_ids.sorted(
                lambda r: (r.referral_date, r.id), reverse=True
            )
            ticket.mediation_state = referrals[:1].state or False

    @api.depends("mediation_state")
    def _compute_qualiopi_status(self):
        return super()._compute_qualiopi_status()

    def _qualiopi_in_mediation(self):
        self.ensure_one()
        return self.mediation_state in OPEN_STATES

    @api.depends("mediation_referral_ids")
    def _compute_mediation_referral_count(self):
        # A grouped count, not the one2many: reading it as superuser would put
        # the referral ids in the cache that a plain user's read then uses.
        counts = dict(
            self.env["qualiopi.mediation.referral"]
            .sudo()
            ._read_group([("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"])
        )
        for ticket in self:
            ticket.mediation_referral_count = counts.get(ticket._origin, 0)

    @api.depends(
        "qualiopi_nature",
        "qualiopi_founded",
        "qualiopi_unresolved",
        "qualiopi_funding_type",
        "company_id.qualiopi_mediator_id",
    )
    def _compute_qualiopi_mediation_required(self):
        for ticket in self:
            complaint = ticket.qualiopi_nature == "complaint"
            ticket.qualiopi_mediation_required = bool(
                complaint
                and (
                    ticket.qualiopi_founded in ("unfounded", "partly") or ticket.qualiopi_unresolved
                )
            )
            ticket.qualiopi_is_consumer = ticket.qualiopi_funding_type in CONSUMER_FUNDING_TYPES
            # Whether the company has a mediator: public information.
            ticket.qualiopi_mediator_missing = bool(
                complaint
                and not ticket.company_id.sudo().qualiopi_mediator_id
                and (ticket.qualiopi_mediation_required or ticket.qualiopi_is_consumer)
            )

    @api.depends_context("uid")
    def _compute_mediation_can_read_files(self):
        self.mediation_can_read_files = self.env[
            "qualiopi.mediation.referral"
        ]._qualiopi_user_reads_files()

    @api.depends("qualiopi_nature", "company_id.qualiopi_mediator_id")
    @api.depends_context("lang")
    def _compute_qualiopi_mediation_notice_html(self):
        for ticket in self:
            # The mediator is public information (printed in every answer),
            # whoever may read the company's settings.
            mediator = ticket.company_id.sudo().qualiopi_mediator_id
            if ticket.qualiopi_nature == "complaint" and mediator:
                ticket.qualiopi_mediation_notice_html = mediator._qualiopi_notice_html()
            else:
                ticket.qualiopi_mediation_notice_html = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if {"ack_message_id", "response_message_id"} & set(vals):
            self._qualiopi_record_mediation_information()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_qualiopi_send_response(self):
        self._qualiopi_check_mediator_for_answer()
        return super().action_qualiopi_send_response()

    def action_qualiopi_refer_to_mediation(self):
        self.ensure_one()
        if self.qualiopi_nature != "complaint":
            raise UserError(self.env._("Only a complaint can be referred to mediation."))
        mediator = self.company_id.qualiopi_mediator_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refer to mediation"),
            "res_model": "qualiopi.mediation.referral",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_ticket_id": self.id,
                "default_mediator_id": mediator.id,
            },
        }

    def action_view_mediation_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_mediation.action_qualiopi_mediation_referral"
        )
        action["domain"] = [("ticket_id", "in", self.ids)]
        action["context"] = {
            "default_ticket_id": self.id,
            "default_mediator_id": self.company_id.qualiopi_mediator_id.id,
        }
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _qualiopi_check_mediator_for_answer(self):
        """An answer that rejects a complaint or leaves it unresolved must tell
        the complainant about the mediator: refuse it when there is none."""
        # Whether the company has a mediator: public information.
        missing = self.filtered(
            lambda t: t.qualiopi_mediation_required and not t.company_id.sudo().qualiopi_mediator_id
        )
        if missing:
            raise UserError(
                self.env._(
                    "%(tickets)s: the answer rejects the complaint or leaves it "
                    "unresolved, so it must give the complainant the consumer "
                    "mediator's name, website and postal address. No mediator is set "
                    "for %(company)s: set one in Settings > Qualiopi > Consumer "
                    "mediator before sending this answer.",
                    tickets=", ".join(missing.mapped("display_name")),
                    company=", ".join(missing.company_id.mapped("name")),
                )
            )

    def _qualiopi_record_mediation_information(self):
        """Keep, as evidence, the first sent message that named the mediator."""
        self.check_access("write")
        for ticket in self.filtered(lambda t: not t.mediation_informed_date):
            mediator = ticket.company_id.sudo().qualiopi_mediator_id
            if not mediator:
                continue
            # The user's write access was checked above; the messages sent and
            # the read-only evidence fields are the application's.
            messages = (ticket.ack_message_id | ticket.response_message_id).sudo()
            for message in messages.sorted(lambda m: (m.date, m.id)):
                if mediator._qualiopi_is_in_message(message):
                    ticket.sudo().write(
                        {
                            "mediation_informed_date": message.date,
                            "mediation_informed_message_id": message.id,
                        }
                    )
                    break

    @api.model
    def _cron_qualiopi_deadlines(self):
        result = super()._cron_qualiopi_deadlines()
        self.env["qualiopi.mediation.referral"]._cron_qualiopi_mediation_outcomes()
        return result
