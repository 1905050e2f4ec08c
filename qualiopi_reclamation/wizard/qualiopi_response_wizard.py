from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.helpdesk_ticket import RESPONSE_METHODS, SENT_METHODS


class QualiopiResponseWizard(models.TransientModel):
    _name = "qualiopi.response.wizard"
    _description = "Record a Qualiopi answer given outside email"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True, ondelete="cascade")
    response_method = fields.Selection(
        selection=[item for item in RESPONSE_METHODS if item[0] not in SENT_METHODS],
        string="How",
        required=True,
        default="letter",
    )
    response_date = fields.Datetime(string="When", required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Answered by",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    response_note = fields.Text(
        string="Details",
        help="For example: letter reference, phone call summary, who was met.",
    )
    letter_file = fields.Binary(string="Scan of the letter", attachment=False)
    letter_filename = fields.Char()

    def action_confirm(self):
        self.ensure_one()
        ticket = self.ticket_id
        ticket.check_access("write")
        if ticket.response_date:
            raise UserError(
                self.env._(
                    "%(ticket)s was already answered on %(date)s.",
                    ticket=ticket.display_name,
                    date=fields.Datetime.to_string(ticket.response_date),
                )
            )
        if ticket.qualiopi_nature == "complaint" and self.response_method != "letter":
            raise UserError(
                self.env._(
                    "A complaint is answered in writing: send the answer by email "
                    "(button 'Send answer') or record the letter with its scan."
                )
            )
        if self.response_method == "letter" and not self.letter_file:
            raise UserError(
                self.env._("Attach the scan of the letter: it is the evidence of the answer.")
            )
        if self.response_method != "letter" and not (self.response_note or "").strip():
            raise UserError(
                self.env._(
                    "Describe the answer given by phone or in person: it is the only "
                    "evidence of it."
                )
            )
        attachment = self.env["ir.attachment"]
        if self.letter_file:
            attachment = attachment.create(
                {
                    "name": self.letter_filename or self.env._("Answer letter"),
                    "datas": self.letter_file,
                    "res_model": ticket._name,
                    "res_id": ticket.id,
                }
            )
        method = dict(self._fields["response_method"]._description_selection(self.env))
        message = ticket.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Answer given (%(method)s) by %(user)s on %(date)s. %(note)s",
                method=method[self.response_method],
                user=self.user_id.name,
                date=fields.Datetime.to_string(self.response_date),
                note=self.response_note or "",
            ),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        # The ticket's constraints refuse a date in the future or before receipt.
        ticket._qualiopi_write_evidence(
            {
                "response_date": self.response_date,
                "response_method": self.response_method,
                "response_user_id": self.user_id.id,
                "response_note": self.response_note,
                "response_message_id": message.id,
                "response_attachment_id": attachment.id,
            }
        )
        return {"type": "ir.actions.act_window_close"}
