from odoo import models

from .qualiopi_mediation_referral import OPEN_STATES


class HelpdeskTicket(models.Model):
    """Retention: a record under mediation keeps its personal data; the
    referrals of a finished mediation are anonymised with their record."""

    _inherit = "helpdesk.ticket"

    def _qualiopi_under_mediation(self):
        # Whether a referral is open is the register's fact, whoever asks.
        return self.filtered(
            lambda t: any(r.state in OPEN_STATES for r in t.sudo().mediation_referral_ids)
        )

    def _qualiopi_retention_blocked(self):
        return super()._qualiopi_retention_blocked() | self._qualiopi_under_mediation()

    def _qualiopi_retention_blocked_reason(self):
        if self._qualiopi_under_mediation():
            return self.env._("it is under mediation")
        return super()._qualiopi_retention_blocked_reason()

    def _qualiopi_anonymise_related(self):
        referrals = self.sudo().mediation_referral_ids
        if referrals:
            self._qualiopi_erase_messages(referrals)
            referrals.with_context(tracking_disable=True).write({"summary": False})
            referrals.attachment_ids.unlink()
        return super()._qualiopi_anonymise_related()
