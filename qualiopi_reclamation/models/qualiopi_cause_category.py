from odoo import fields, models


class QualiopiCauseCategory(models.Model):
    _name = "qualiopi.cause.category"
    _description = "Qualiopi Cause Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    is_disability = fields.Boolean(
        string="Disability or accessibility",
        help="Records of this category reach the company's disability referent, "
        "who becomes their owner.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to share the category between companies.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A cause category with this name already exists.",
        ),
    ]
