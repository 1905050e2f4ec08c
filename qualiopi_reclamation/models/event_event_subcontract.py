from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class EventEvent(models.Model):
    """A session delivered for a hiring organisation (donneur d'ordre: we are
    its subcontractor) or subcontracted to another organisation: that
    organisation is named, and its contacts chosen here read the session's
    Qualiopi records on their portal (record rule
    ``helpdesk_ticket_rule_qualiopi_subcontract_portal``)."""

    _inherit = "event.event"

    qualiopi_delivery_mode = fields.Selection(
        selection=[
            ("own", "Own session"),
            ("hiring", "Delivered for a hiring organisation"),
            ("subcontracted", "Subcontracted to a subcontractor"),
        ],
        string="Delivery",
        default="own",
        required=True,
        tracking=True,
        help="Own session: delivered by the organisation for its own clients. "
        "Delivered for a hiring organisation: the organisation is the subcontractor "
        "of a hiring organisation (donneur d'ordre). Subcontracted: another "
        "organisation delivers the session for us.",
    )
    qualiopi_partner_organisation_id = fields.Many2one(
        comodel_name="res.partner",
        string="Partner organisation",
        domain=[("is_company", "=", True)],
        index="btree_not_null",
        tracking=True,
        help="The hiring organisation or the subcontractor.",
    )
    qualiopi_share_contact_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="event_event_qualiopi_share_contact_rel",
        column1="event_id",
        column2="partner_id",
        string="Records shared with",
        tracking=True,
        domain="[('commercial_partner_id', '=', qualiopi_partner_organisation_id), "
        "('is_company', '=', False)]",
        help="Contacts of the partner organisation who read this session's Qualiopi "
        "records and their public messages on their portal (never the internal "
        "notes, never another session's records).",
    )

    @api.constrains(
        "qualiopi_delivery_mode", "qualiopi_partner_organisation_id", "qualiopi_share_contact_ids"
    )
    def _check_qualiopi_partner_organisation(self):
        for event in self:
            organisation = event.qualiopi_partner_organisation_id
            if event.qualiopi_delivery_mode == "own":
                if organisation or event.qualiopi_share_contact_ids:
                    raise ValidationError(
                        self.env._(
                            "An own session has no partner organisation: choose how "
                            "the session %(event)s is delivered first.",
                            event=event.display_name,
                        )
                    )
                continue
            if not organisation:
                raise ValidationError(
                    self.env._(
                        "The session %(event)s is delivered with a partner organisation: name it.",
                        event=event.display_name,
                    )
                )
            if not organisation.is_company:
                raise ValidationError(self.env._("The partner organisation must be a company."))
            strangers = event.qualiopi_share_contact_ids.filtered(
                lambda p, org=organisation: p.is_company or p.commercial_partner_id != org
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "Records are shared only with contacts of %(organisation)s, "
                        "not with %(contacts)s.",
                        organisation=organisation.display_name,
                        contacts=", ".join(strangers.mapped("display_name")),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.filtered("qualiopi_share_contact_ids")._qualiopi_check_share_right()
        return events

    def write(self, vals):
        if "qualiopi_share_contact_ids" not in vals:
            return super().write(vals)
        before = {event: event.qualiopi_share_contact_ids for event in self}
        result = super().write(vals)
        self.filtered(
            lambda event: event.qualiopi_share_contact_ids - before[event]
        )._qualiopi_check_share_right()
        return result

    def _qualiopi_check_share_right(self):
        """Sharing a session's records with an outside organisation is a
        Qualiopi manager's decision; anyone who may edit the session may stop
        it."""
        if (
            self
            and not self.env.su
            and not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only a Qualiopi manager shares a session's records with a partner "
                    "organisation's contacts."
                )
            )

    @api.onchange("qualiopi_delivery_mode")
    def _onchange_qualiopi_delivery_mode(self):
        if self.qualiopi_delivery_mode == "own":
            self.qualiopi_partner_organisation_id = False

    @api.onchange("qualiopi_partner_organisation_id")
    def _onchange_qualiopi_partner_organisation_id(self):
        organisation = self.qualiopi_partner_organisation_id
        self.qualiopi_share_contact_ids = self.qualiopi_share_contact_ids.filtered(
            lambda p: organisation and p.commercial_partner_id == organisation._origin
        )

    def action_qualiopi_share_records(self):
        """Give the contacts the records are shared with a way in: Odoo's portal
        wizard for those who have no user yet (an administrator's right: Odoo
        refuses it to others); the record rule does the sharing itself."""
        self.ensure_one()
        self.check_access("write")
        contacts = self.qualiopi_share_contact_ids
        if self.qualiopi_delivery_mode == "own" or not contacts:
            raise UserError(
                self.env._(
                    "Choose the partner organisation's contacts to share the records with first."
                )
            )
        # Read as superuser: whether a contact has a user (an archived one
        # included) is not readable by every event user.
        without_user = contacts.filtered(
            lambda p: not p.sudo().with_context(active_test=False).user_ids
        )
        if not without_user:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "The session's records are shared with %(contacts)s: they read "
                        "them on their portal.",
                        contacts=", ".join(contacts.mapped("display_name")),
                    ),
                },
            }
        if not self.env["portal.wizard"].has_access("create"):
            raise UserError(
                self.env._(
                    "%(contacts)s have no portal access yet: ask an administrator to "
                    "grant it (Contacts, Action, Grant portal access).",
                    contacts=", ".join(without_user.mapped("display_name")),
                )
            )
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [fields.Command.set(without_user.ids)]}
        )
        return wizard._action_open_modal()
