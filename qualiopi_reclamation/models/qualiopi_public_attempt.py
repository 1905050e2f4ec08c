import datetime

from odoo import api, fields, models

# Defaults of the public form's limits; each can be overridden by a system
# parameter of the same name (Settings > Technical > System Parameters).
PUBLIC_LIMIT_DEFAULTS = {
    "qualiopi_reclamation.public_max_per_ip": 10,
    "qualiopi_reclamation.public_max_per_email": 5,
    "qualiopi_reclamation.public_window_minutes": 60,
    "qualiopi_reclamation.public_max_files": 5,
    "qualiopi_reclamation.public_max_file_mb": 10,
}


class QualiopiPublicAttempt(models.Model):
    """One submission of the public complaint form that was recorded, kept for
    rate limiting (rejected posts are not counted: junk posts must not lock
    out a complainant's address) and for the embedded form's tokens, each
    usable once."""

    _name = "qualiopi.public.attempt"
    _description = "Submission of the public complaint form"
    _order = "create_date desc, id desc"
    _log_access = True

    ip_address = fields.Char(string="IP address", index=True)
    email = fields.Char(index=True, help="Normalised email address typed in the form.")
    embed_nonce = fields.Char(
        index=True,
        help="Nonce of the embedded form's token this submission used: a token is used once.",
    )

    _sql_constraints = [
        (
            "embed_nonce_uniq",
            "unique(embed_nonce)",
            "A token of the embedded form is used once.",
        )
    ]

    @api.model
    def _qualiopi_limit(self, key):
        """The value of a limit of the public form, from the system parameters."""
        default = PUBLIC_LIMIT_DEFAULTS[key]
        # System parameters are the administrator's; the limits are read for
        # visitors.
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return max(int(value), 0) if value not in (None, False, "") else default
        except (TypeError, ValueError):
            return default

    @api.model
    def _qualiopi_is_limited(self, ip_address, email):
        """Whether this address or this email has used up its submissions."""
        window = self._qualiopi_limit("qualiopi_reclamation.public_window_minutes")
        since = fields.Datetime.now() - datetime.timedelta(minutes=window)
        # Attempts are technical rows no user reads: counted for a visitor.
        attempts = self.sudo()
        if ip_address and attempts.search_count(
            [("ip_address", "=", ip_address), ("create_date", ">=", since)]
        ) >= self._qualiopi_limit("qualiopi_reclamation.public_max_per_ip"):
            return True
        return bool(
            email
            and attempts.search_count([("email", "=", email), ("create_date", ">=", since)])
            >= self._qualiopi_limit("qualiopi_reclamation.public_max_per_email")
        )

    @api.model
    def _qualiopi_embed_nonce_used(self, nonce):
        """Whether a submission was already recorded with this embed token."""
        return bool(nonce and self.sudo().search_count([("embed_nonce", "=", nonce)], limit=1))

    @api.autovacuum
    def _gc_qualiopi_public_attempts(self):
        """Attempts only matter within the window, and embed tokens expire
        after two hours: keep one day of them."""
        limit = fields.Datetime.now() - datetime.timedelta(days=1)
        # Autovacuum of technical rows.
        self.sudo().search([("create_date", "<", limit)]).unlink()
