from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualiopi_ack_days = fields.Integer(related="company_id.qualiopi_ack_days", readonly=False)
    qualiopi_response_days = fields.Integer(
        related="company_id.qualiopi_response_days", readonly=False
    )
    qualiopi_auto_ack = fields.Boolean(related="company_id.qualiopi_auto_ack", readonly=False)
    qualiopi_recurrence_days = fields.Integer(
        related="company_id.qualiopi_recurrence_days", readonly=False
    )
    qualiopi_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id",
        readonly=False,
        string="Working hours of the register",
    )

    def action_qualiopi_public_holidays(self):
        return self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_public_holiday_wizard"
        )
