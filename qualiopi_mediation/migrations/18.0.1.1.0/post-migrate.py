# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.1.0: a record with an open referral shows the status "in mediation": the
status of the records referred to the mediator is recomputed."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Ticket = env["helpdesk.ticket"].with_context(active_test=False)
    records = env["qualiopi.mediation.referral"].search([]).ticket_id
    env.add_to_compute(Ticket._fields["qualiopi_status"], records)
    records.flush_recordset(["qualiopi_status"])
