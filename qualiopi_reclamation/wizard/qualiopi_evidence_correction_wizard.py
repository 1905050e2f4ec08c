from markupsafe import Markup

from odoo import fields, models, tools
from odoo.exceptions import AccessError, UserError

# The evidence dates a manager may correct, with a reason.
CORRECTABLE_FIELDS = [
    ("received_date", "Received on"),
    ("qualiopi_transcription_date", "Transcribed on"),
    ("ack_date", "Acknowledged on"),
    ("response_date", "Answered on"),
]


class QualiopiEvidenceCorrectionWizard(models.TransientModel):
    _name = "qualiopi.evidence.correction.wizard"
    _description = "Correct a Qualiopi evidence date"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True, ondelete="cascade")
    field_name = fields.Selection(
        selection=CORRECTABLE_FIELDS, string="Date to correct", required=True
    )
    new_date = fields.Datetime(string="Correct date", required=True)
    reason = fields.Text(required=True, help="Why the recorded date was wrong.")

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(self.env._("Only a Qualiopi manager can correct evidence."))
        ticket = self.ticket_id
        ticket.check_access("write")
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the correction."))
        old_date = ticket[self.field_name]
        if old_date == self.new_date:
            raise UserError(self.env._("The date is unchanged."))
        # The ticket's constraints still refuse a date in the future or before
        # receipt; the write and the note are one transaction.
        ticket._qualiopi_write_evidence({self.field_name: self.new_date})
        label = dict(self._fields["field_name"]._description_selection(self.env))[self.field_name]
        tz = ticket._qualiopi_tz()

        def show(date):
            return tools.format_datetime(self.env, date, tz=tz) if date else "-"

        ticket.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Evidence corrected by %(user)s: %(field)s changed from %(old)s to %(new)s.",
                    user=self.env.user.name,
                    field=label,
                    old=show(old_date),
                    new=show(self.new_date),
                ),
                self.env._("Reason: %(reason)s", reason=self.reason),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
