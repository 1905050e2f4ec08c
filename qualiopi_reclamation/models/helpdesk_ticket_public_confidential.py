"""Confidential and anonymous reports through the public form.

A visitor may say that their report is about harassment, sexual or
gender-based violence, discrimination or whistleblowing (``confidential_reason``):
the record is then confidential. They may also file it anonymously
(``anonymous``): no name, email nor phone is kept (whatever was sent), the
record is linked to no contact, and a follow-up code, shown once and stored
hashed, opens the public follow-up page (controllers/main.py).
"""

from odoo import api, models

from .helpdesk_ticket_confidential import CONFIDENTIAL_REASONS

PUBLIC_CONFIDENTIAL_REASONS = tuple(key for key, _label in CONFIDENTIAL_REASONS)
# Valid stand-ins for the contact fields, so that the form's other checks
# run unchanged on an anonymous report; never stored.
ANONYMOUS_STAND_INS = {
    "partner_name": "-",
    "partner_email": "anonymous@example.com",
    "partner_phone": "",
}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _qualiopi_public_clean(self, values):
        values = super()._qualiopi_public_clean(values)
        values["anonymous"] = "1" if values.get("anonymous") else ""
        if values["anonymous"]:
            # Nothing that names the visitor is kept, even if it was sent.
            values.update(partner_name="", partner_email="", partner_phone="")
        return values

    @api.model
    def _qualiopi_public_errors(self, values):
        if not values.get("anonymous"):
            errors = super()._qualiopi_public_errors(values)
        else:
            errors = super()._qualiopi_public_errors({**values, **ANONYMOUS_STAND_INS})
            if not values.get("confidential_reason"):
                errors.append(
                    self.env._(
                        "Say what your anonymous report is about (harassment, violence, "
                        "discrimination, whistleblowing...)."
                    )
                )
        reason = values.get("confidential_reason")
        if reason and reason not in PUBLIC_CONFIDENTIAL_REASONS:
            errors.append(self.env._("Choose what your confidential report is about."))
        return errors

    @api.model
    def _qualiopi_public_values(self, values, company):
        vals = super()._qualiopi_public_values(values, company)
        if values.get("confidential_reason") or values.get("anonymous"):
            vals.update(
                qualiopi_confidential=True,
                qualiopi_confidential_reason=values.get("confidential_reason") or "other",
            )
        if values.get("anonymous"):
            vals.update(
                qualiopi_anonymous=True,
                partner_id=False,
                partner_name=False,
                partner_email=False,
                partner_phone=False,
            )
            if vals.get("name") == "-":
                vals["name"] = self.env._("Anonymous report")
        return vals

    @api.model
    def _qualiopi_create_from_public(self, values, files=(), ip_address="", embed_nonce=False):
        """As the form's, and an anonymous report gets its follow-up code,
        given back once in the context key ``qualiopi_followup_code`` of the
        record returned (its hash only is stored)."""
        ticket = super()._qualiopi_create_from_public(
            values, files, ip_address=ip_address, embed_nonce=embed_nonce
        )
        if ticket.sudo().qualiopi_anonymous:
            code = ticket._qualiopi_new_followup_code()
            ticket = ticket.with_context(qualiopi_followup_code=code)
        return ticket
