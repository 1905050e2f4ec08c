from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.helpdesk_ticket import ACK_METHODS


class QualiopiAcknowledgeWizard(models.TransientModel):
    _name = "qualiopi.acknowledge.wizard"
    _description = "Record a Qualiopi acknowledgement given outside email"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True, ondelete="cascade")
    ack_method = fields.Selection(
        # The follow-up page's is posted by the application, never recorded.
        selection=[item for item in ACK_METHODS if item[0] != "follow_up_page"],
        string="How",
        required=True,
        default="letter",
    )
    ack_date = fields.Datetime(string="When", required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Given by",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    ack_note = fields.Text(
        string="Details",
        help="For example: letter reference, phone call summary, who was met.",
    )

    @api.model
    def _ack_method_needs_note(self):
        return ("phone", "in_person", "other")

    def action_confirm(self):
        self.ensure_one()
        ticket = self.ticket_id
        ticket.check_access("write")
        if ticket.ack_date:
            raise UserError(
                self.env._(
                    "%(ticket)s was already acknowledged on %(date)s.",
                    ticket=ticket.display_name,
                    date=fields.Datetime.to_string(ticket.ack_date),
                )
            )
        if self.ack_method in self._ack_method_needs_note() and not (self.ack_note or "").strip():
            raise UserError(
                self.env._(
                    "Describe the acknowledgement given by phone, in person or "
                    "otherwise: it is the only evidence of it."
                )
            )
        # The ticket's constraints refuse a date in the future or before receipt;
        # the write is atomic, so nothing is half-saved.
        ticket._qualiopi_write_evidence(
            {
                "ack_date": self.ack_date,
                "ack_method": self.ack_method,
                "ack_user_id": self.user_id.id,
                "ack_note": self.ack_note,
            }
        )
        method = dict(self._fields["ack_method"]._description_selection(self.env))
        ticket.message_post(
            body=self.env._(
                "Acknowledgement given (%(method)s) by %(user)s on %(date)s. %(note)s",
                method=method[self.ack_method],
                user=self.user_id.name,
                date=fields.Datetime.to_string(self.ack_date),
                note=self.ack_note or "",
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
