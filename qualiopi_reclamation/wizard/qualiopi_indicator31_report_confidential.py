from odoo import fields, models


class QualiopiIndicator31Report(models.TransientModel):
    _inherit = "qualiopi.indicator31.report"

    include_confidential = fields.Boolean(
        string="Include confidential details",
        help="Print confidential cases in full (title, session, stakeholder, "
        "cause...). Only a confidential referent gets them; for everybody else, "
        "and by default, they are counted and listed as anonymised lines.",
    )
