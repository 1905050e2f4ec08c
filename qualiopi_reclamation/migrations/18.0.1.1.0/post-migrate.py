# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.1.0: a public submission is no longer linked to a contact, so the
acknowledgement and answer templates send to the typed address when there is
none. They are ``noupdate``, which an update never reloads: load their file
once as at install (an edited copy is replaced; the README's Upgrading section
says so), still ``noupdate`` afterwards."""

from odoo import SUPERUSER_ID, api
from odoo.tools.convert import convert_file


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    convert_file(
        env,
        "qualiopi_reclamation",
        "data/mail_template_data.xml",
        idref={},
        mode="init",
        noupdate=True,
    )
