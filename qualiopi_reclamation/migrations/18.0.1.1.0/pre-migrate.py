# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.1.0: a public submission is no longer linked to a contact, so the
acknowledgement and answer templates send to the typed address when there is
none. They are ``noupdate``: let this update reload them, once (post-migrate
marks them ``noupdate`` again). An edited copy is replaced; the README's
Upgrading section says so."""

TEMPLATES = ("mail_template_acknowledgement", "mail_template_response")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_model_data SET noupdate = FALSE
            WHERE module = 'qualiopi_reclamation' AND name IN %s""",
        [TEMPLATES],
    )
