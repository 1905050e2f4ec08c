from odoo import api, fields, models
from odoo.exceptions import AccessError


class HelpdeskTicket(models.Model):
    """A Qualiopi record of a session delivered with a partner organisation is
    read by the contacts the session shares it with (record rule
    ``helpdesk_ticket_rule_qualiopi_subcontract_portal``): they read it and
    its public messages, they do not write in it."""

    _inherit = "helpdesk.ticket"

    # Stored on the record so that the portal rules read no session: the
    # helpdesk portal applies its rules' domains to its searches as the portal
    # user, who may not read sessions.
    qualiopi_shared_partner_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="helpdesk_ticket_qualiopi_shared_partner_rel",
        column1="ticket_id",
        column2="partner_id",
        string="Shared with",
        compute="_compute_qualiopi_shared_partner_ids",
        store=True,
        help="Contacts of the session's partner organisation who read this record "
        "and its public messages on their portal (set on the session).",
    )

    @api.depends(
        lambda self: [
            "qualiopi_nature",
            "event_id.qualiopi_delivery_mode",
            "event_id.qualiopi_partner_organisation_id",
            "event_id.qualiopi_share_contact_ids.commercial_partner_id",
            # A confidential case (issue 13) is never shared.
            *(["qualiopi_confidential"] if "qualiopi_confidential" in self._fields else []),
        ]
    )
    def _compute_qualiopi_shared_partner_ids(self):
        for ticket in self:
            event = ticket.event_id
            organisation = event.qualiopi_partner_organisation_id
            if (
                not ticket.qualiopi_nature
                or event.qualiopi_delivery_mode == "own"
                or ticket._fields.get("qualiopi_confidential")
                and ticket.qualiopi_confidential
            ):
                ticket.qualiopi_shared_partner_ids = False
                continue
            # A contact who has left the organisation reads no more.
            ticket.qualiopi_shared_partner_ids = event.qualiopi_share_contact_ids.filtered(
                lambda p, org=organisation: (
                    org and not p.is_company and p.commercial_partner_id == org
                )
            )

    def _qualiopi_shared_only(self):
        """The records of ``self`` the current portal user reads only as a
        contact of the session's partner organisation: shared with them, and
        neither theirs nor followed by them (the rule
        helpdesk_ticket_rule_qualiopi_external)."""
        user = self.env.user
        if not user.share or user._is_public():
            return self.browse()
        partner = user.partner_id
        # Read as superuser: the fields compared are those the portal rules
        # compare, not what the user may read; nothing is returned but self.
        shared = (
            self.sudo()
            .exists()
            .filtered(
                lambda ticket: (
                    partner in ticket.qualiopi_shared_partner_ids
                    and ticket.partner_id != partner
                    and partner not in ticket.message_partner_ids
                )
            )
        )
        return self.browse(shared.ids)

    def message_post(self, **kwargs):
        # helpdesk_mgmt lets whoever reads a ticket post on it
        # (_mail_post_access = "read"), and the chatter posts as superuser once
        # that is checked: the share grants reading only.
        if self._qualiopi_shared_only():
            raise AccessError(
                self.env._(
                    "The records of a partner organisation's session are shared for "
                    "reading: write to the training organisation instead."
                )
            )
        return super().message_post(**kwargs)

    @api.model
    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        # A reaction, an edited message, a message created without the chatter:
        # Odoo checks them against _mail_post_access ("read"); the partner
        # organisation's contacts would need to write the record.
        mode = super()._get_mail_message_access(res_ids, operation, model_name=model_name)
        if (
            operation == "create"
            and (model_name or self._name) == self._name
            and self.browse(res_ids)._qualiopi_shared_only()
        ):
            return "write"
        return mode
