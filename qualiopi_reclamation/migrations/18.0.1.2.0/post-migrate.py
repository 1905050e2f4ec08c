# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.2.0: auditor accesses are given only to logins created by an invitation
(``res.users.qualiopi_external_auditor``). The users that already hold an
access and are not Qualiopi users were such logins: flag them, so that they
keep their scope and their time box. A company with no document layout gets
the standard one, as at install."""

from odoo import SUPERUSER_ID, api

from odoo.addons.qualiopi_reclamation.hooks import set_report_layout


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE res_users u
           SET qualiopi_external_auditor = TRUE
         WHERE EXISTS (SELECT 1 FROM qualiopi_auditor_access a WHERE a.user_id = u.id)
           AND NOT EXISTS (
                SELECT 1
                  FROM res_groups_users_rel r
                  JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
                 WHERE r.uid = u.id
                   AND d.module = 'qualiopi_reclamation'
                   AND d.name IN ('group_qualiopi_user', 'group_qualiopi_manager')
           )
        """
    )
    set_report_layout(api.Environment(cr, SUPERUSER_ID, {}))
