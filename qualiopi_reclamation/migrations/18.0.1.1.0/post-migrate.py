# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.1.0: the two templates reloaded by pre-migrate are ``noupdate`` again."""

TEMPLATES = ("mail_template_acknowledgement", "mail_template_response")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_model_data SET noupdate = TRUE
            WHERE module = 'qualiopi_reclamation' AND name IN %s""",
        [TEMPLATES],
    )
