# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.3.0: the Qualiopi status is decided from the helpdesk stage first and
gains escalated and reopened: the stored status of the existing records is
recomputed, so that the register and its stage never contradict each other."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Ticket = env["helpdesk.ticket"].with_context(active_test=False)
    records = Ticket.search([("qualiopi_nature", "!=", False)])
    env.add_to_compute(Ticket._fields["qualiopi_status"], records)
    records.flush_recordset(["qualiopi_status"])
