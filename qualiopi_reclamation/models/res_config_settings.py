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

    qualiopi_public_form_enabled = fields.Boolean(
        related="company_id.qualiopi_public_form_enabled", readonly=False
    )
    qualiopi_public_team_id = fields.Many2one(
        related="company_id.qualiopi_public_team_id", readonly=False
    )
    qualiopi_privacy_url = fields.Char(related="company_id.qualiopi_privacy_url", readonly=False)
    qualiopi_procedure_in_event_mail = fields.Boolean(
        related="company_id.qualiopi_procedure_in_event_mail", readonly=False
    )

    def action_qualiopi_public_holidays(self):
        return self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_public_holiday_wizard"
        )
