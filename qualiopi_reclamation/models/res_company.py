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

    qualiopi_public_form_enabled = fields.Boolean(
        string="Public complaint form",
        default=True,
        help="Anyone can file a complaint or report a difficulty at "
        "/qualiopi/reclamation, without an account. Off: the form answers 404.",
    )
    qualiopi_public_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Team of the public form",
        check_company=True,
        help="Helpdesk team that receives the complaints and difficulties filed "
        "through the public form.",
    )
    qualiopi_privacy_url = fields.Char(
        string="Personal data policy (URL)",
        help="Link shown next to the consent box of the public form.",
    )
    qualiopi_procedure_in_event_mail = fields.Boolean(
        string="Link the complaint procedure in session emails",
        help="Add a link to the published complaint procedure at the end of the "
        "registration confirmation and reminder emails of training sessions.",
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

    def _qualiopi_tz(self):
        """The time zone the organisation's dates are shown in to its
        stakeholders: that of its working hours, which count the deadlines."""
        self.ensure_one()
        return self.resource_calendar_id.tz or self.partner_id.tz or "Europe/Paris"

    def _qualiopi_public_mediator(self):
        """The consumer mediator's details to publish on the public pages.

        A dict with the keys name, website, email, phone, street, zip, city and
        country, or an empty dict when there is none: the mediation addon
        overrides it with the company's mediator.
        """
        self.ensure_one()
        return {}
