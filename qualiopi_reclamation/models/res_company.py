from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    qualiopi_ack_days = fields.Integer(
        string="Acknowledgement deadline (business days)",
        default=2,
    )
    qualiopi_response_days = fields.Integer(
        string="Answer deadline (business days)",
        default=10,
    )
    qualiopi_auto_ack = fields.Boolean(
        string="Acknowledge complaints automatically",
        default=True,
        help="Send the acknowledgement of receipt as soon as a complaint is "
        "recorded, when its complainant has an email address.",
    )
    qualiopi_recurrence_days = fields.Integer(
        string="Recurrence window (days)",
        default=365,
        help="A record whose cause and session or course already occurred within "
        "this many days is flagged as recurrent.",
    )

    @api.constrains("qualiopi_ack_days", "qualiopi_response_days", "qualiopi_recurrence_days")
    def _check_qualiopi_days(self):
        for company in self:
            if company.qualiopi_ack_days < 0 or company.qualiopi_response_days < 1:
                raise ValidationError(
                    self.env._(
                        "The acknowledgement deadline cannot be negative and the "
                        "answer deadline must be at least one business day."
                    )
                )
            if company.qualiopi_ack_days > company.qualiopi_response_days:
                raise ValidationError(
                    self.env._(
                        "The acknowledgement deadline cannot be longer than the answer deadline."
                    )
                )
            if company.qualiopi_recurrence_days < 1:
                raise ValidationError(self.env._("The recurrence window must be at least one day."))
