from odoo import api, models
from odoo.exceptions import AccessError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        # The chatter uploads a file on any record its user reads, as
        # superuser: a partner organisation's contact only reads the records
        # shared with them, and adds no file to them.
        ticket_ids = {
            vals["res_id"]
            for vals in vals_list
            if vals.get("res_model") == "helpdesk.ticket" and vals.get("res_id")
        }
        if ticket_ids and self.env["helpdesk.ticket"].browse(ticket_ids)._qualiopi_shared_only():
            raise AccessError(
                self.env._(
                    "The records of a partner organisation's session are shared for "
                    "reading: no file can be added to them."
                )
            )
        return super().create(vals_list)
