from odoo import fields, models

CONTACT_TYPES = [
    ("meeting", "Meeting"),
    ("webinar", "Webinar or information session"),
    ("call", "Phone call"),
    ("email", "Email exchange"),
    ("audit", "Funder audit or inspection"),
    ("other", "Other"),
]


class QualiopiFunderContact(models.Model):
    """A contact with a funder that is not a survey: evidence that the
    organisation collects the funders' appraisals (indicator 30)."""

    _name = "qualiopi.funder.contact"
    _description = "Qualiopi funder contact"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Funder",
        required=True,
        tracking=True,
        index=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True, index=True)
    contact_type = fields.Selection(
        selection=CONTACT_TYPES, string="Type", required=True, default="meeting"
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Organisation contact",
        default=lambda self: self.env.user,
    )
    appraisal = fields.Html(
        string="Appraisal collected",
        help="What the funder said about the trainings: satisfaction, requests, points to improve.",
    )
    event_ids = fields.Many2many(
        comodel_name="event.event",
        string="Sessions concerned",
        check_company=True,
    )
    attachment_ids = fields.Many2many(comodel_name="ir.attachment", string="Minutes and documents")
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
