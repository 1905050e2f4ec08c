from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._qualiopi_calendars()._qualiopi_recompute_open_deadlines()
        return leaves

    def write(self, vals):
        calendars = self._qualiopi_calendars()
        res = super().write(vals)
        (calendars | self._qualiopi_calendars())._qualiopi_recompute_open_deadlines()
        return res

    def unlink(self):
        calendars = self._qualiopi_calendars()
        res = super().unlink()
        calendars._qualiopi_recompute_open_deadlines()
        return res

    def _qualiopi_calendars(self):
        """The calendars whose business days these leaves change, as Odoo
        counts them: only company-wide leaves (holidays, closures), not one
        person's; a leave without a calendar applies to every calendar of its
        company (of every company when it has none)."""
        leaves = self.filtered(lambda leave: not leave.resource_id)
        calendars = leaves.calendar_id
        global_leaves = leaves.filtered(lambda leave: not leave.calendar_id)
        if global_leaves:
            # Every calendar the leave applies to, readable by the user or not:
            # their deadlines move all the same.
            Calendar = self.env["resource.calendar"].sudo()
            if any(not leave.company_id for leave in global_leaves):
                calendars |= Calendar.search([])
            else:
                calendars |= Calendar.search(
                    [("company_id", "in", [*global_leaves.company_id.ids, False])]
                )
        return calendars
