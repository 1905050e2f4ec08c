from odoo import fields, models


class EventEvent(models.Model):
    _inherit = "event.event"

    qualiopi_for_individuals = fields.Boolean(
        string="Open to individuals",
        help="Individuals can register and pay, themselves or with their CPF: the "
        "organisation must then give them access to a consumer mediator.",
    )
