from odoo import fields, models


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
