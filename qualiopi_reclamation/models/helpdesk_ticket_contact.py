from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError


class HelpdeskTicket(models.Model):
    """The contact of a public submission: never taken on the visitor's word."""

    _inherit = "helpdesk.ticket"

    partner_phone = fields.Char(
        string="Phone",
        help="The phone number the complainant typed in the public form.",
    )
    qualiopi_suggested_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Suggested contact",
        compute="_compute_qualiopi_suggested_partner_id",
        help="The contact whose email is the one typed by the complainant. The "
        "record is linked to it only when a Qualiopi user checks it is the same "
        "person: anyone can type any address in the public form.",
    )

    @api.depends("partner_id", "partner_email", "company_id")
    def _compute_qualiopi_suggested_partner_id(self):
        Partner = self.env["res.partner"]
        for ticket in self:
            email = tools.email_normalize(ticket.partner_email or "")
            ticket.qualiopi_suggested_partner_id = (
                Partner.search(
                    [
                        ("email_normalized", "=", email),
                        ("company_id", "in", (ticket.company_id.id, False)),
                    ],
                    order="id",
                    limit=1,
                )
                if email and not ticket.partner_id
                else Partner
            )

    def action_qualiopi_link_suggested_partner(self):
        """Link the suggested contact, after a Qualiopi user checked it.

        The link the visitor got (access token) was given to whoever typed the
        address: it is renewed, so that it never opens a contact's record nor
        lets its holder write as that contact.
        """
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise AccessError(self.env._("Only a Qualiopi user can link a contact."))
        self.check_access("write")
        for ticket in self:
            partner = ticket.qualiopi_suggested_partner_id
            if not partner:
                raise UserError(
                    self.env._(
                        "%(ticket)s: no contact has the email address of the complainant.",
                        ticket=ticket.display_name,
                    )
                )
            values = {"partner_id": partner.id, "access_token": False}
            if ticket.event_id and not ticket.event_registration_id:
                # A Qualiopi user (checked above) may not read registrations.
                registration = ticket.event_id.sudo().registration_ids.filtered(
                    lambda r, p=partner: r.partner_id == p
                )[:1]
                if registration:
                    values["event_registration_id"] = registration.id
            ticket.write(values)
            ticket._portal_ensure_token()
            ticket.message_post(
                body=self.env._(
                    "Contact %(partner)s linked by %(user)s: the email address typed "
                    "by the complainant is theirs.",
                    partner=partner.display_name,
                    user=self.env.user.name,
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
        return True
