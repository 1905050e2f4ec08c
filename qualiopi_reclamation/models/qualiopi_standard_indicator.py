from odoo import fields, models


class QualiopiStandardIndicator(models.Model):
    """One indicator of a version of the national quality standard: its number
    in that version, and a stable key by which the code and the templates
    name it whatever its number. Two keys may share a number: a requirement
    added to an indicator (the risk analysis of indicator 32 in the 2026
    version) has its own key."""

    _name = "qualiopi.standard.indicator"
    _description = "Qualiopi Standard Indicator"
    _order = "version_id, number, id"

    version_id = fields.Many2one(
        comodel_name="qualiopi.standard.version",
        required=True,
        ondelete="cascade",
        index=True,
    )
    number = fields.Integer(required=True)
    criterion = fields.Integer()
    key = fields.Char(
        required=True,
        help="A stable code (complaints, improvement, risk_analysis...) by which "
        "the application finds this indicator in any version.",
    )
    name = fields.Char(required=True, translate=True)

    _sql_constraints = [
        (
            "key_uniq",
            "unique(version_id, key)",
            "A key names one indicator of a version.",
        ),
    ]
