from odoo import fields, models


class QualiopiImprovementAction(models.Model):
    """The quality risks an improvement action reduces (indicator 32)."""

    _inherit = "qualiopi.improvement.action"

    risk_ids = fields.Many2many(
        comodel_name="qualiopi.risk",
        relation="qualiopi_risk_improvement_action_rel",
        column1="improvement_action_id",
        column2="risk_id",
        string="Quality risks",
        check_company=True,
        copy=False,
    )
