from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualiopi_confidential_ack_days = fields.Integer(
        related="company_id.qualiopi_confidential_ack_days", readonly=False
    )
    qualiopi_confidential_response_months = fields.Integer(
        related="company_id.qualiopi_confidential_response_months", readonly=False
    )
