from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualiopi_alert_threshold = fields.Integer(
        related="company_id.qualiopi_alert_threshold", readonly=False
    )
    qualiopi_complaint_survey_on_close = fields.Boolean(
        related="company_id.qualiopi_complaint_survey_on_close", readonly=False
    )
    qualiopi_complaint_survey_id = fields.Many2one(
        related="company_id.qualiopi_complaint_survey_id", readonly=False
    )
    qualiopi_funder_survey_id = fields.Many2one(
        related="company_id.qualiopi_funder_survey_id", readonly=False
    )
    qualiopi_publish_min_answers = fields.Integer(
        related="company_id.qualiopi_publish_min_answers", readonly=False
    )

    def action_qualiopi_send_funder_survey(self):
        return self.company_id.action_qualiopi_send_funder_survey()
