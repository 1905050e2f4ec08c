"""The indicator-31 register read in one SQL query, its dates printed by
PostgreSQL: a register of 10,000 records must not cost 10,000 times the ORM's
per-record accesses."""

import re

from odoo import fields
from odoo.tools import SQL

# The register's fields, read in one query; the many2one are named in one
# batch per comodel.
REGISTER_FIELDS = (
    "number",
    "name",
    "qualiopi_nature",
    "stakeholder_type",
    "received_date",
    "channel_id",
    "event_id",
    "ack_date",
    "ack_deadline",
    "response_date",
    "response_deadline",
    "qualiopi_status",
    "is_founded",
    "cause_category_id",
    "is_recurrent",
)
PRINTED_FIELDS = ("received_date", "ack_date", "response_date")

# strftime directives of the languages' date formats, as to_char patterns
_TO_CHAR = {
    "%d": "DD",
    "%m": "MM",
    "%Y": "YYYY",
    "%y": "YY",
    "%H": "HH24",
    "%I": "HH12",
    "%M": "MI",
    "%S": "SS",
    "%j": "DDD",
    "%%": "%",
}


def datetime_format(env):
    """The user's language date format with the time, as a strftime pattern
    and, when every directive has one, as a PostgreSQL to_char pattern
    (``None`` otherwise: names of months or days, whose language PostgreSQL
    does not know)."""
    lang = env["res.lang"]._get_data(code=env.lang or "en_US")
    pattern = f"{lang.date_format or '%m/%d/%Y'} %H:%M"
    parts = re.split(r"(%.)", pattern)
    to_char = []
    for index, part in enumerate(parts):
        if index % 2:
            if part not in _TO_CHAR:
                return pattern, None
            to_char.append(_TO_CHAR[part])
        elif part:
            # Literal text is quoted: to_char reads letters as patterns.
            to_char.append('"{}"'.format(part.replace("\\", "\\\\").replace('"', '\\"')))
    return pattern, "".join(to_char)


def register_rows(tickets_env, domain, tz):
    """[(id, {field: value}, {field: printed date})] of the register, in the
    order of reception, from one SQL query. The printed dates are in the time
    zone ``tz`` and the user's language format, written by PostgreSQL when it
    can."""
    Ticket = tickets_env
    query = Ticket._search(domain, order="received_date, id")
    table = query.table
    pattern, to_char = datetime_format(Ticket.env)
    printed_sql = []
    for fname in PRINTED_FIELDS:
        local = SQL(
            "%s AT TIME ZONE 'UTC' AT TIME ZONE %s",
            Ticket._field_to_sql(table, fname, query),
            tz,
        )
        printed_sql.append(SQL("to_char(%s, %s)", local, to_char) if to_char else local)
    rows = Ticket.env.execute_query(
        query.select(
            SQL.identifier(table, "id"),
            *(Ticket._field_to_sql(table, fname, query) for fname in REGISTER_FIELDS),
            *printed_sql,
        )
    )
    width = len(REGISTER_FIELDS) + 1
    result = []
    for row in rows:
        printed = dict(zip(PRINTED_FIELDS, row[width:], strict=True))
        if not to_char:
            printed = {
                fname: value.strftime(pattern) if value else None
                for fname, value in printed.items()
            }
        result.append((row[0], dict(zip(REGISTER_FIELDS, row[1:width], strict=True)), printed))
    return result


def comodel_names(tickets_env, rows):
    """{field: {id: name}} of the register's many2one, one query per comodel."""
    names = {}
    for fname in ("channel_id", "event_id", "cause_category_id"):
        ids = {values[fname] for _id, values, _printed in rows if values[fname]}
        comodel = tickets_env.env[tickets_env._fields[fname].comodel_name].with_context(
            active_test=False
        )
        names[fname] = {record.id: record.name for record in comodel.browse(sorted(ids))}
    return names


def register_lines(tickets_env, rows, names, action_references):
    """The register's lines from ``register_rows``: one dict per record with
    every column's key (see qualiopi_indicator31_columns), numbered from 1."""
    env = tickets_env.env
    now = fields.Datetime.now()
    selections = {
        fname: dict(tickets_env._fields[fname]._description_selection(env))
        for fname in ("qualiopi_nature", "stakeholder_type", "qualiopi_status", "is_founded")
    }
    channels, events, causes = (
        names["channel_id"],
        names["event_id"],
        names["cause_category_id"],
    )
    pending, recurrent_text = env._("pending"), env._("recurrent")
    yes, no = env._("Yes"), env._("No")
    lines = []
    for index, (ticket_id, values, printed) in enumerate(rows, start=1):
        ack_date, ack_deadline = values["ack_date"], values["ack_deadline"]
        response_date = values["response_date"]
        response_deadline = values["response_deadline"]
        status = selections["qualiopi_status"].get(values["qualiopi_status"], "")
        founded = selections["is_founded"].get(values["is_founded"], "")
        outcome = f"{status} ({founded})" if founded else status
        if values["is_recurrent"]:
            outcome = f"{outcome}, {recurrent_text}"
        lines.append(
            {
                "id": ticket_id,
                "index": index,
                "number": values["number"],
                "name": values["name"],
                "nature": selections["qualiopi_nature"].get(values["qualiopi_nature"], ""),
                "stakeholder": selections["stakeholder_type"].get(values["stakeholder_type"], ""),
                "received_date": values["received_date"],
                "channel": channels.get(values["channel_id"], ""),
                "session": events.get(values["event_id"], ""),
                "ack_date": ack_date,
                "ack_deadline": ack_deadline,
                "response_date": response_date,
                "response_deadline": response_deadline,
                "status": status,
                "founded": founded,
                "cause": causes.get(values["cause_category_id"], ""),
                "recurrent": bool(values["is_recurrent"]),
                "recurrent_label": yes if values["is_recurrent"] else no,
                "actions": ", ".join(action_references.get(ticket_id, ())),
                # Printed forms, for the PDF
                "received_str": printed["received_date"] or "",
                "ack_str": printed["ack_date"] or (pending if ack_deadline else "-"),
                "ack_late": bool(ack_deadline and (ack_date or now) > ack_deadline),
                "response_str": printed["response_date"] or (pending if response_deadline else "-"),
                "response_late": bool(
                    response_deadline and (response_date or now) > response_deadline
                ),
                "outcome": outcome,
            }
        )
    return lines
