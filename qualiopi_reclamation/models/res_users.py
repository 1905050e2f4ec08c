from odoo import fields, models
from odoo.exceptions import AccessDenied


class ResUsers(models.Model):
    _inherit = "res.users"

    # Set only by an auditor's invitation, which creates the login: accesses
    # are given to such dedicated logins alone, so that the end of an access
    # never locks out or archives a member of staff.
    qualiopi_external_auditor = fields.Boolean(
        string="External auditor login",
        readonly=True,
        copy=False,
        help="A login created by an auditor's invitation: it can log in only "
        "during its auditor accesses and is archived when they are over.",
    )

    # The scope of an external auditor, read by the global record rules of
    # helpdesk.ticket and event.event (not stored: computed per user when the
    # rules are evaluated, and the rules' cache is cleared when an access
    # changes or expires).
    qualiopi_auditor_restricted = fields.Boolean(
        compute="_compute_qualiopi_auditor_scope", compute_sudo=True
    )
    qualiopi_auditor_company_ids = fields.Many2many(
        comodel_name="res.company",
        compute="_compute_qualiopi_auditor_scope",
        compute_sudo=True,
        help="Companies the auditor sees whole.",
    )
    qualiopi_auditor_event_ids = fields.Many2many(
        comodel_name="event.event",
        compute="_compute_qualiopi_auditor_scope",
        compute_sudo=True,
        help="Sessions the auditor sees in the other companies of their accesses.",
    )

    def _compute_qualiopi_auditor_scope(self):
        # compute_sudo: the auditor's scope is computed for the auditor, who
        # may not read the accesses granted to them.
        Access = self.env["qualiopi.auditor.access"].sudo().with_context(active_test=False)
        for user in self:
            restricted = bool(
                user.qualiopi_external_auditor
                and not user._is_superuser()
                and not user.has_group("qualiopi_reclamation.group_qualiopi_user")
            )
            current = user._qualiopi_current_auditor_accesses() if restricted else Access
            user.qualiopi_auditor_restricted = restricted
            user.qualiopi_auditor_company_ids = current.filtered(
                lambda access: not access.event_ids
            ).company_id
            user.qualiopi_auditor_event_ids = current.event_ids

    def _qualiopi_current_auditor_accesses(self):
        self.ensure_one()
        # The user's own accesses, read for the login check and the rules.
        accesses = self.env["qualiopi.auditor.access"].sudo().search([("user_id", "=", self.id)])
        return accesses.filtered(lambda access: access._qualiopi_is_current())

    def _qualiopi_check_auditor_login(self):
        """An external auditor (a user whose Qualiopi access comes only from
        auditor accesses) logs in only while one of them is current."""
        self.ensure_one()
        if self.qualiopi_auditor_restricted and not self._qualiopi_current_auditor_accesses():
            raise AccessDenied(self.env._("Your auditor access is not valid today."))

    def _check_credentials(self, credential, env):
        auth_info = super()._check_credentials(credential, env)
        # res.users.check() (XML-RPC, every call) runs this on an empty
        # recordset of the user's environment.
        (self or self.env.user)._qualiopi_check_auditor_login()
        return auth_info
