from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Deadlines of confidential cases, those of the whistleblowing procedure
    (acknowledgement within 7 working days, feedback within 3 months)."""

    _inherit = "res.company"

    qualiopi_confidential_ack_days = fields.Integer(
        string="Confidential cases: acknowledgement deadline (business days)",
        default=7,
    )
    qualiopi_confidential_response_months = fields.Integer(
        string="Confidential cases: feedback deadline (months)",
        default=3,
    )

    @api.constrains("qualiopi_confidential_ack_days", "qualiopi_confidential_response_months")
    def _check_qualiopi_confidential_deadlines(self):
        for company in self:
            if (
                company.qualiopi_confidential_ack_days < 0
                or company.qualiopi_confidential_response_months < 1
            ):
                raise ValidationError(
                    self.env._(
                        "The acknowledgement deadline of confidential cases cannot be "
                        "negative and their feedback deadline must be at least one month."
                    )
                )
