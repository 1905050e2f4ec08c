from odoo import fields, models


class QualiopiPublicHolidayWizard(models.TransientModel):
    _name = "qualiopi.public.holiday.wizard"
    _description = "Write the French public holidays into working hours"

    calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working hours",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    alsace_moselle = fields.Boolean(
        string="Alsace-Moselle",
        help="Add Good Friday and 26 December, public holidays in Bas-Rhin, Haut-Rhin and Moselle.",
    )

    def action_confirm(self):
        self.ensure_one()
        leaves = self.calendar_id.action_qualiopi_add_public_holidays(
            self.year, alsace_moselle=self.alsace_moselle
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Public holidays"),
                "message": self.env._(
                    "%(count)s public holidays of %(year)s added to %(calendar)s.",
                    count=len(leaves),
                    year=self.year,
                    calendar=self.calendar_id.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
