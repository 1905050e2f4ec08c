from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualiopi_public_team_id = fields.Many2one(
        related="company_id.qualiopi_public_team_id", readonly=False
    )
    qualiopi_privacy_url = fields.Char(related="company_id.qualiopi_privacy_url", readonly=False)
    qualiopi_procedure_in_event_mail = fields.Boolean(
        related="company_id.qualiopi_procedure_in_event_mail", readonly=False
    )
