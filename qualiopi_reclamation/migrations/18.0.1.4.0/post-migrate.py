# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.4.0: the cause category "Accessibility and disability" (kept in noupdate
data) routes its records to the disability referent, as at install."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE qualiopi_cause_category c
           SET is_disability = TRUE
          FROM ir_model_data d
         WHERE d.model = 'qualiopi.cause.category'
           AND d.res_id = c.id
           AND d.module = 'qualiopi_reclamation'
           AND d.name = 'cause_category_accessibility'
        """
    )
