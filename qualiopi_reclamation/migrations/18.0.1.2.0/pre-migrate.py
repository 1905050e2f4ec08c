# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# rename_fields: skip (this file names the old fields on purpose)
"""1.2.0: the register's own fields on ``helpdesk.ticket`` take the
``qualiopi_`` prefix (and a Selection is no longer named ``is_*``).

Before the new code loads, rename in place, so that the data, the tracking
history (linked to the field's row) and what users saved stay:
- the columns and their indexes;
- the fields' rows (``ir_model_fields``) and their xmlids, with those of the
  selection values; also on the dashboard's view ``qualiopi.indicator31.stat``;
- the names in stored domains, contexts and sort orders of saved filters
  (``ir_filters``) and window actions (``ir_act_window``) on these models.

The deadline cron now flags a milestone's reminder with its escalation: a
record already escalated gets its reminder flag, so that it leaves the cron's
search for good.
"""

import logging
import re

from odoo.tools import sql

_logger = logging.getLogger(__name__)

# Same table as the repository's rename_fields.py.
RENAMES = {
    "is_founded": "qualiopi_founded",
    "root_cause": "qualiopi_root_cause",
    "cause_category_id": "qualiopi_cause_category_id",
    "corrective_action_note": "qualiopi_corrective_note",
    "is_recurrent": "qualiopi_recurrent",
    "client_partner_id": "qualiopi_client_partner_id",
    "funder_partner_id": "qualiopi_funder_partner_id",
    "funding_type": "qualiopi_funding_type",
    "difficulty_handling": "qualiopi_difficulty_handling",
    "hazard_measure": "qualiopi_hazard_measure",
    "hazard_informed_trainees": "qualiopi_hazard_informed_trainees",
    "hazard_informed_client": "qualiopi_hazard_informed_client",
    "hazard_informed_funder": "qualiopi_hazard_informed_funder",
    "hazard_informed_date": "qualiopi_hazard_informed_date",
    "transcribed_by_id": "qualiopi_transcribed_by_id",
    "transcription_date": "qualiopi_transcription_date",
}
# Models whose fields are renamed: the register and its dashboard's view.
MODELS = {"helpdesk.ticket": "helpdesk_ticket", "qualiopi.indicator31.stat": None}
# A whole name, or one glued to the context keys that name a field
# (``default_<name>``, ``search_default_<name>``).
PATTERN = re.compile(r"(?:\b|(?<=default_))(" + "|".join(map(re.escape, RENAMES)) + r")\b")


def _rename_text(text):
    return PATTERN.sub(lambda match: RENAMES[match.group(1)], text) if text else text


def _rename_columns(cr, table):
    for old, new in RENAMES.items():
        if not sql.column_exists(cr, table, old) or sql.column_exists(cr, table, new):
            continue
        sql.rename_column(cr, table, old, new)
        # Odoo names a field's index after its column: rename it, or the
        # update would build a second one beside it.
        cr.execute(f'ALTER INDEX IF EXISTS "{table}__{old}_index" RENAME TO "{table}__{new}_index"')


def _rename_fields(cr, model):
    model_key = model.replace(".", "_")
    for old, new in RENAMES.items():
        cr.execute(
            """UPDATE ir_model_fields SET name = %s
                WHERE model = %s AND name = %s
                  AND NOT EXISTS (
                      SELECT 1 FROM ir_model_fields WHERE model = %s AND name = %s)""",
            [new, model, old, model, new],
        )
        cr.execute(
            "UPDATE ir_model_data SET name = %s WHERE model = 'ir.model.fields' AND name = %s",
            [f"field_{model_key}__{new}", f"field_{model_key}__{old}"],
        )
        prefix = f"selection__{model_key}__"
        cr.execute(
            """UPDATE ir_model_data SET name = %s || substr(name, %s)
                WHERE model = 'ir.model.fields.selection' AND name LIKE %s""",
            [f"{prefix}{new}__", len(f"{prefix}{old}__") + 1, f"{prefix}{old}\\_\\_%"],
        )


def _rename_stored_texts(cr, table, model_column, columns, models):
    cr.execute(
        f"SELECT id, {', '.join(columns)} FROM {table} WHERE {model_column} IN %s",  # noqa: S608 - constants
        [tuple(models)],
    )
    for row_id, *values in cr.fetchall():
        new_values = [_rename_text(value) if isinstance(value, str) else value for value in values]
        if new_values != values:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cr.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 - constants
                [*new_values, row_id],
            )


def migrate(cr, version):
    if not version:
        return
    for model, table in MODELS.items():
        if table:
            _rename_columns(cr, table)
        _rename_fields(cr, model)
    _rename_stored_texts(cr, "ir_filters", "model_id", ["domain", "context", "sort"], MODELS)
    _rename_stored_texts(cr, "ir_act_window", "res_model", ["domain", "context"], MODELS)
    for milestone in ("ack", "response"):
        if sql.column_exists(cr, "helpdesk_ticket", f"{milestone}_late_notified"):
            cr.execute(
                f"""UPDATE helpdesk_ticket SET {milestone}_reminder_sent = TRUE
                     WHERE {milestone}_late_notified AND {milestone}_reminder_sent IS NOT TRUE"""  # noqa: S608 - constants
            )
    _logger.info("qualiopi_reclamation: register fields renamed to their qualiopi_ names")
