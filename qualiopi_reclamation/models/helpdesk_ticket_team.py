from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working Hours",
        check_company=True,
        help="Calendar used to count the business days of the Qualiopi deadlines "
        "of this team's records. When empty, the company's working hours apply.",
    )

    qualiopi_default_nature = fields.Selection(
        selection=[("complaint", "Complaint"), ("difficulty", "Difficulty")],
        string="Emails to the alias are",
        help="Make every email received on this team's alias a Qualiopi record of "
        "this nature (channel email, stakeholder 'other'): complaints are then "
        "acknowledged automatically, automatic replies excepted.",
    )
