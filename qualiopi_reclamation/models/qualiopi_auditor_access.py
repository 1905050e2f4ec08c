from odoo import api, fields, models
from odoo.exceptions import UserError

# Implemented natively rather than with OCA base_user_role and auditlog:
# - base_user_role applies dated role lines by a daily cron, but an expired line
#   only removes groups: the user can still log in and, being internal, keeps
#   what base.group_user reads; the issue asks that the login itself stop at the
#   end date and that the scope (company, sessions) hold, which roles do not do;
# - auditlog logs reads by overriding read() on every logged model for every
#   user, into a generic log the organisation must configure model by model;
#   here we log only what an auditor opens, in a log tied to their access.
# Neither would then be a dependency of qualiopi_reclamation (install time, two
# more modules in the contract) for a part of what they do.


class QualiopiAuditorAccess(models.Model):
    """A time-boxed access of an external auditor: an internal user in the
    Auditor group who can log in only from ``date_from`` to ``date_to`` (in
    the company's time zone), sees only the scope (the company, or only the
    sessions listed) and whose reads are logged."""

    _name = "qualiopi.auditor.access"
    _description = "Qualiopi Auditor Access"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Auditor",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("share", "=", False), ("qualiopi_external_auditor", "=", True)],
        help="A login created by an auditor's invitation (Invite an auditor).",
    )
    email = fields.Char(related="user_id.email", string="Email")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", required=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    event_ids = fields.Many2many(
        comodel_name="event.event",
        relation="qualiopi_auditor_access_event_rel",
        column1="access_id",
        column2="event_id",
        string="Sessions",
        check_company=True,
        help="The sessions the auditor sees. Empty: every session and record of the company.",
    )
    active = fields.Boolean(default=True)
    state = fields.Selection(
        selection=[("future", "Not started"), ("current", "Current"), ("expired", "Expired")],
        compute="_compute_state",
    )
    log_ids = fields.One2many(comodel_name="qualiopi.auditor.access.log", inverse_name="access_id")
    log_count = fields.Integer(compute="_compute_log_count", string="Pages and files opened")

    @api.depends("user_id", "date_from", "date_to")
    def _compute_name(self):
        for access in self:
            access.name = f"{access.user_id.name or ''} ({access.date_from} - {access.date_to})"

    def _compute_state(self):
        for access in self:
            today = access._qualiopi_today()
            if not access.active or access.date_to < today:
                access.state = "expired"
            elif access.date_from > today:
                access.state = "future"
            else:
                access.state = "current"

    def _compute_log_count(self):
        # sudo: the log has no access rule of its own for managers' counts;
        # only the accesses the user already reads are counted.
        counts = dict(
            self.env["qualiopi.auditor.access.log"]
            .sudo()
            ._read_group([("access_id", "in", self.ids)], ["access_id"], ["__count"])
        )
        for access in self:
            access.log_count = counts.get(access, 0)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for access in self:
            if access.date_from > access.date_to:
                raise UserError(self.env._("The access ends before it starts."))

    @api.constrains("user_id")
    def _check_user_external(self):
        staff = self.user_id.filtered(lambda user: not user.qualiopi_external_auditor)
        if staff:
            raise UserError(
                self.env._(
                    "%(users)s is a user of the organisation: an auditor access is given "
                    "to the login created by inviting the auditor by email, so that its "
                    "end never locks out a member of staff.",
                    users=", ".join(staff.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        accesses = super().create(vals_list)
        accesses._qualiopi_grant()
        self.env.registry.clear_cache()  # record rules read the accesses
        return accesses

    def write(self, vals):
        result = super().write(vals)
        self._qualiopi_grant()
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        users = self.user_id
        result = super().unlink()
        self.env["qualiopi.auditor.access"]._qualiopi_revoke(users)
        self.env.registry.clear_cache()
        return result

    def _qualiopi_today(self):
        self.ensure_one()
        tz = self.company_id._qualiopi_tz()
        return fields.Date.context_today(self.with_context(tz=tz))

    def _qualiopi_is_current(self):
        self.ensure_one()
        return self.active and self.date_from <= self._qualiopi_today() <= self.date_to

    def _qualiopi_grant(self):
        """Active accesses put their user in the Auditor group and the
        company; the user is active while an access is not over."""
        group = self.env.ref("qualiopi_reclamation.group_qualiopi_auditor")
        # sudo: writing a user's groups needs the administrator's right; the
        # manager's right on these accesses was checked by create/write.
        for access in self.sudo().filtered("active"):
            if access.date_to < access._qualiopi_today():
                continue
            user = access.user_id.with_context(active_test=False)
            vals = {}
            if group not in user.groups_id:
                vals["groups_id"] = [fields.Command.link(group.id)]
            if access.company_id not in user.company_ids:
                vals["company_ids"] = [fields.Command.link(access.company_id.id)]
            if not user.active:
                vals["active"] = True
            if vals:
                user.write(vals)
        self._qualiopi_revoke(self.filtered(lambda a: not a.active).user_id)

    @api.model
    def _qualiopi_revoke(self, users):
        """External auditor logins whose accesses are all over lose the Auditor
        group and are archived (which also ends their open sessions)."""
        group = self.env.ref("qualiopi_reclamation.group_qualiopi_auditor")
        # sudo: called by the access's own create/write/unlink and its cron,
        # after the manager's right on the access was checked.
        for user in users.sudo().with_context(active_test=False):
            if not user.qualiopi_external_auditor:
                continue
            remaining = self.sudo().search([("user_id", "=", user.id)])
            if any(access.date_to >= access._qualiopi_today() for access in remaining):
                continue
            user.write({"groups_id": [fields.Command.unlink(group.id)], "active": False})

    @api.model
    def _cron_qualiopi_expire(self):
        """Archive the accesses past their end and revoke their users."""
        # sudo: the cron ends every company's accesses.
        expired = (
            self.sudo()
            .search([("date_to", "<", fields.Date.today())])
            .filtered(lambda access: access.date_to < access._qualiopi_today())
        )
        if expired:
            expired.write({"active": False})
        self.env.registry.clear_cache()

    @api.model
    def action_invite(self, name, email, date_from, date_to, company_id=False, event_ids=()):
        """Invite an external auditor by email: an internal user (created if
        the address has none) and the access; Odoo's invitation email lets the
        auditor choose a password."""
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise UserError(self.env._("Only a Qualiopi manager can invite an auditor."))
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        # sudo: the manager's right was checked above; creating a login needs
        # the administrator's.
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        user = Users.search([("login", "=", email)], limit=1)
        if user and not user.qualiopi_external_auditor:
            raise UserError(self.env._("%(email)s is already a user of the database.", email=email))
        if not user:
            user = Users.with_context(no_reset_password=True).create(
                {
                    "name": name,
                    "login": email,
                    "email": email,
                    "company_id": company.id,
                    "company_ids": [fields.Command.set(company.ids)],
                    "qualiopi_external_auditor": True,
                    "groups_id": [
                        fields.Command.set(
                            self.env.ref("qualiopi_reclamation.group_qualiopi_auditor").ids
                        )
                    ],
                }
            )
        access = self.create(
            {
                "user_id": user.id,
                "date_from": date_from,
                "date_to": date_to,
                "company_id": company.id,
                "event_ids": [fields.Command.set(list(event_ids))],
            }
        )
        access.action_send_invitation()
        return access

    def action_send_invitation(self):
        """Odoo's own invitation (signup link to set a password)."""
        # sudo: the reset-password email is the administrator's action.
        for access in self.sudo():
            if access.user_id.email:
                access.user_id.with_context(create_user=True).action_reset_password()
        return True

    def action_open_log(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Auditor log"),
            "res_model": "qualiopi.auditor.access.log",
            "view_mode": "list,form",
            "domain": [("access_id", "=", self.id)],
        }
