from odoo import api, fields, models

from odoo.addons.qualiopi_reclamation.models.helpdesk_ticket import FUNDING_TYPES


class EventRegistration(models.Model):
    _inherit = "event.registration"

    qualiopi_funder_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Funder",
        help="Who funds this attendee's training (OPCO, France Travail, region...): "
        "funders of the year's sessions receive the yearly funder survey.",
    )
    qualiopi_funding_type = fields.Selection(selection=FUNDING_TYPES, string="Funding type")
    qualiopi_survey_input_ids = fields.One2many(
        comodel_name="survey.user_input",
        inverse_name="event_registration_id",
        string="Survey answers",
    )
    qualiopi_survey_input_count = fields.Integer(
        string="Surveys", compute="_compute_qualiopi_survey_input_count"
    )

    @api.depends("qualiopi_survey_input_ids")
    def _compute_qualiopi_survey_input_count(self):
        for registration in self:
            registration.qualiopi_survey_input_count = len(registration.qualiopi_survey_input_ids)
