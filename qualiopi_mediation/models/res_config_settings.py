from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualiopi_mediator_id = fields.Many2one(
        related="company_id.qualiopi_mediator_id", readonly=False
    )
    qualiopi_mediator_missing = fields.Boolean(compute="_compute_qualiopi_mediator_missing")

    @api.depends("company_id", "qualiopi_mediator_id")
    def _compute_qualiopi_mediator_missing(self):
        for settings in self:
            settings.qualiopi_mediator_missing = bool(
                not settings.qualiopi_mediator_id
                and settings.company_id._qualiopi_has_consumer_matters()
            )
