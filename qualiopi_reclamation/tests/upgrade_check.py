# rename_fields: skip (this file names the old fields on purpose)
"""Install-then-upgrade check of the 1.2.0 field renames (not a test module:
run by ``odoo shell`` on a database installed from the previous release).

    # 1. on a database installed from the previous release (18.0.1.1.0):
    QUALIOPI_UPGRADE_STEP=seed python3 -m odoo shell -c CONF -d DB --no-http < THIS_FILE
    # 2. upgrade it with the new code:
    python3 -m odoo -c CONF -d DB -u qualiopi_reclamation --stop-after-init --no-http
    # 3. check (exit status 1 and the differences when data was lost):
    QUALIOPI_UPGRADE_STEP=check python3 -m odoo shell -c CONF -d DB --no-http < THIS_FILE

Step 1 writes known values in every renamed field of a new Qualiopi record and
saves a filter and a window action mentioning the old names; step 3 reads them
under the new names.
"""

import ast
import os
import sys

# Old name -> (new name, value written).
VALUES = {
    "is_founded": ("qualiopi_founded", "partly"),
    "root_cause": ("qualiopi_root_cause", "Upgrade check: root cause"),
    "corrective_action_note": ("qualiopi_corrective_note", "Upgrade check: corrective"),
    "funding_type": ("qualiopi_funding_type", "opco"),
    "difficulty_handling": ("qualiopi_difficulty_handling", "Upgrade check: handling"),
    "hazard_measure": ("qualiopi_hazard_measure", "Upgrade check: measure"),
    "hazard_informed_trainees": ("qualiopi_hazard_informed_trainees", True),
    "hazard_informed_client": ("qualiopi_hazard_informed_client", True),
    "hazard_informed_funder": ("qualiopi_hazard_informed_funder", True),
    "hazard_informed_date": ("qualiopi_hazard_informed_date", "2026-01-05 10:00:00"),
    "transcription_date": ("qualiopi_transcription_date", "2026-01-05 09:30:00"),
}
# Old name -> new name of the many2one fields, given the record they point to.
RELATIONS = {
    "cause_category_id": "qualiopi_cause_category_id",
    "client_partner_id": "qualiopi_client_partner_id",
    "funder_partner_id": "qualiopi_funder_partner_id",
    "transcribed_by_id": "qualiopi_transcribed_by_id",
}
NAME = "Upgrade check 1.2.0"


def seed(env):
    partner = env.ref("base.res_partner_2")
    values = {old: value for old, (_new, value) in VALUES.items()}
    values.update(
        {
            "name": NAME,
            "description": "<p>Upgrade check</p>",
            "qualiopi_nature": "hazard",
            "stakeholder_type": "client",
            "received_date": "2026-01-05 09:00:00",
            "cause_category_id": env.ref("qualiopi_reclamation.cause_category_logistics").id,
            "client_partner_id": partner.id,
            "funder_partner_id": partner.id,
            "transcribed_by_id": env.ref("base.user_admin").id,
        }
    )
    ticket = env["helpdesk.ticket"].with_context(qualiopi_no_auto_ack=True).create(values)
    env["ir.filters"].create(
        {
            "name": NAME,
            "model_id": "helpdesk.ticket",
            "domain": "[('is_founded', '=', 'partly'), ('hazard_measure', '!=', False)]",
            "context": "{'group_by': ['cause_category_id']}",
            "sort": '["root_cause desc"]',
        }
    )
    env["ir.actions.act_window"].create(
        {
            "name": NAME,
            "res_model": "helpdesk.ticket",
            "domain": "[('is_recurrent', '=', False)]",
            "context": "{'search_default_funding_type': 'opco'}",
        }
    )
    env.cr.commit()
    sys.stdout.write(f"seeded ticket {ticket.id}\n")


def check(env):
    errors = []
    ticket = env["helpdesk.ticket"].search([("name", "=", NAME)], limit=1)
    if not ticket:
        errors.append("the seeded ticket is gone")
    for old, (new, value) in VALUES.items():
        got = ticket[new] if ticket else None
        if ticket and ticket._fields[new].type == "datetime":
            got = str(got)
        if got != value:
            errors.append(f"{old} -> {new}: {got!r} instead of {value!r}")
    for old, new in RELATIONS.items():
        if not ticket or not ticket[new]:
            errors.append(f"{old} -> {new}: empty")
    fields_ = env["ir.model.fields"].search(
        [("model", "=", "helpdesk.ticket"), ("name", "in", [*VALUES, *RELATIONS])]
    )
    if fields_:
        errors.append(f"old fields left: {fields_.mapped('name')}")
    for xmlid in (
        "field_helpdesk_ticket__qualiopi_founded",
        "field_helpdesk_ticket__qualiopi_root_cause",
    ):
        if not env.ref(f"qualiopi_reclamation.{xmlid}", raise_if_not_found=False):
            errors.append(f"xmlid qualiopi_reclamation.{xmlid} missing")
    saved = env["ir.filters"].search([("name", "=", NAME)])
    expected = (
        "[('qualiopi_founded', '=', 'partly'), ('qualiopi_hazard_measure', '!=', False)]",
        "{'group_by': ['qualiopi_cause_category_id']}",
        '["qualiopi_root_cause desc"]',
    )
    if (saved.domain, saved.context, saved.sort) != expected:
        errors.append(f"filter: {(saved.domain, saved.context, saved.sort)}")
    action = env["ir.actions.act_window"].search([("name", "=", NAME)])
    if action.domain != "[('qualiopi_recurrent', '=', False)]" or "qualiopi_funding_type" not in (
        action.context or ""
    ):
        errors.append(f"action: {(action.domain, action.context)}")
    # The saved filter still runs.
    env["helpdesk.ticket"].search(ast.literal_eval(saved.domain))
    if errors:
        sys.stdout.write("UPGRADE CHECK FAILED\n" + "\n".join(errors) + "\n")
        sys.exit(1)
    sys.stdout.write("upgrade check passed: every renamed field kept its value\n")


if "env" in globals():  # run by odoo shell
    {"seed": seed, "check": check}[os.environ.get("QUALIOPI_UPGRADE_STEP", "check")](env)  # noqa: F821
