from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    qualiopi_default_nature = fields.Selection(
        selection=[("complaint", "Complaint"), ("difficulty", "Difficulty")],
        string="Emails to the alias are",
        help="Make every email received on this team's alias a Qualiopi record of "
        "this nature (channel email, stakeholder 'other'): complaints are then "
        "acknowledged automatically, automatic replies excepted.",
    )
