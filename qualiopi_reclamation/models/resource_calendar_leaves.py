from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._qualiopi_recompute_deadlines()
        return leaves

    def write(self, vals):
        calendars = self.calendar_id
        res = super().write(vals)
        (calendars | self.calendar_id)._qualiopi_recompute_open_deadlines()
        return res

    def unlink(self):
        calendars = self.calendar_id
        res = super().unlink()
        calendars._qualiopi_recompute_open_deadlines()
        return res

    def _qualiopi_recompute_deadlines(self):
        # Only company-wide leaves (holidays, closures) move the register's
        # deadlines; one person's leave does not.
        self.filtered(
            lambda leave: not leave.resource_id
        ).calendar_id._qualiopi_recompute_open_deadlines()
