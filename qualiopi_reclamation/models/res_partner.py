from odoo import fields, models, tools
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    qualiopi_ticket_count = fields.Integer(
        string="Qualiopi records count", compute="_compute_qualiopi_ticket_count"
    )

    def _qualiopi_ticket_domain(self):
        return [
            ("qualiopi_nature", "!=", False),
            "|",
            "|",
            ("partner_id", "child_of", self.ids),
            ("qualiopi_client_partner_id", "child_of", self.ids),
            ("qualiopi_funder_partner_id", "child_of", self.ids),
        ]

    def _compute_qualiopi_ticket_count(self):
        Ticket = self.env["helpdesk.ticket"]
        if not Ticket.has_access("read"):
            self.qualiopi_ticket_count = 0
            return
        for partner in self:
            partner.qualiopi_ticket_count = (
                Ticket.search_count(partner._qualiopi_ticket_domain()) if partner.id else 0
            )

    def action_view_qualiopi_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_register"
        )
        action["domain"] = self._qualiopi_ticket_domain()
        action["context"] = {"default_partner_id": self.id}
        return action

    def _qualiopi_is_staff(self):
        """Whether this contact is a member of staff (an internal user, active
        or not): staff keep their name on what they wrote or follow when a
        record is anonymised."""
        self.ensure_one()
        return any(not user.share for user in self.with_context(active_test=False).user_ids)

    def _qualiopi_personal_tickets(self):
        """The Qualiopi records where this person is the complainant: linked to
        the contact, or filed with their email address and not linked."""
        self.ensure_one()
        domain = [("partner_id", "=", self.id)]
        email = tools.email_normalize(self.email or "")
        if email:
            domain = [
                "|",
                *domain,
                "&",
                ("partner_id", "=", False),
                ("partner_email", "=ilike", email),
            ]
        return (
            self.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("qualiopi_nature", "!=", False), *domain])
        )

    def action_qualiopi_gdpr_request(self):
        """Open the personal data request (access, erasure) for this person."""
        self.ensure_one()
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(
                self.env._("Only a Qualiopi manager can handle a personal data request.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Personal data request"),
            "res_model": "qualiopi.gdpr.request.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
