from odoo import fields, models


class HelpdeskTicketChannel(models.Model):
    _inherit = "helpdesk.ticket.channel"

    qualiopi_is_oral = fields.Boolean(
        string="Oral channel",
        help="A complaint received through this channel (phone, in person) is "
        "transcribed in writing: the register records who transcribed it and when.",
    )
