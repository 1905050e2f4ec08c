from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualiopi_disability_referent_id = fields.Many2one(
        related="company_id.qualiopi_disability_referent_id", readonly=False
    )
    qualiopi_retention_years = fields.Integer(
        related="company_id.qualiopi_retention_years", readonly=False
    )
    qualiopi_retention_years_complaint = fields.Integer(
        related="company_id.qualiopi_retention_years_complaint", readonly=False
    )
    qualiopi_retention_years_difficulty = fields.Integer(
        related="company_id.qualiopi_retention_years_difficulty", readonly=False
    )
    qualiopi_retention_years_hazard = fields.Integer(
        related="company_id.qualiopi_retention_years_hazard", readonly=False
    )
