"""The indicator-31 register read in one SQL query, its dates printed by
PostgreSQL: a register of 10,000 records must not cost 10,000 times the ORM's
per-record accesses."""

import html
import json
import re

from odoo import fields
from odoo.tools import SQL

from . import qualiopi_indicator31_register_read as read_mod
from .qualiopi_indicator31_business_days import late_text, late_texts

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
    "qualiopi_founded",
    "qualiopi_cause_category_id",
    "qualiopi_recurrent",
    "qualiopi_confidential",
    "team_id",
    "qualiopi_hazard_informed_date",
)
PRINTED_FIELDS = (
    "received_date",
    "ack_date",
    "response_date",
    "ack_deadline",
    "response_deadline",
)
# A milestone the nature does not call for (a hazard's acknowledgement).
NOT_DUE = "—"
# What an anonymised line of a confidential case keeps: reference, nature,
# dates, deadlines and whether they were met, status. Every other cell
# (title, stakeholder, channel, session, cause, outcome's details, actions)
# is blank, and the title says why.
MASKED_KEYS = ("name", "stakeholder", "channel", "session", "actions")


def confidential_title(env):
    return env._("Confidential case")


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
    for fname in ("channel_id", "event_id", "qualiopi_cause_category_id"):
        ids = {values[fname] for _id, values, _printed in rows if values[fname]}
        comodel = tickets_env.env[tickets_env._fields[fname].comodel_name].with_context(
            active_test=False
        )
        names[fname] = {record.id: record.name for record in comodel.browse(sorted(ids))}
    return names


def milestone_texts(env):
    """The words of a milestone's cell, in ``env``'s language."""
    return {
        "pending": env._("pending"),
        "deadline": env._("deadline"),
        "on_time": env._("on time"),
        "late": late_texts(env),
    }


def milestone_cell(texts, printed_date, printed_deadline, done, late_days):
    """A milestone's printed cell: its date (or pending, or "—" when not due),
    then, when it has a deadline, the deadline and whether it was met, one per
    line (the SQL rendering writes the same: pdf_tbody_sql)."""
    if not printed_deadline:
        return printed_date or NOT_DUE
    lines = [printed_date or texts["pending"], f"{texts['deadline']} {printed_deadline}"]
    if late_days:
        lines.append(late_text(texts["late"], late_days))
    elif done:
        lines.append(texts["on_time"])
    return "\n".join(lines)


def register_lines(
    tickets_env, rows, names, action_references, business_days, reveal_confidential=False
):
    """The register's lines from ``register_rows``: one dict per record with
    every column's key (see qualiopi_indicator31_columns), numbered from 1.
    A confidential case is an anonymised line unless ``reveal_confidential``
    (a referent who asked for the details)."""
    env = tickets_env.env
    masked_title = confidential_title(env)
    now = fields.Datetime.now()
    selections = {
        fname: dict(tickets_env._fields[fname]._description_selection(env))
        for fname in ("qualiopi_nature", "stakeholder_type", "qualiopi_status", "qualiopi_founded")
    }
    channels, events, causes = (
        names["channel_id"],
        names["event_id"],
        names["qualiopi_cause_category_id"],
    )
    recurrent_text = env._("recurrent")
    texts = milestone_texts(env)
    yes, no = env._("Yes"), env._("No")
    lines = []
    for index, (ticket_id, values, printed) in enumerate(rows, start=1):
        ack_date, ack_deadline = values["ack_date"], values["ack_deadline"]
        response_date = values["response_date"]
        response_deadline = values["response_deadline"]
        team_id = values["team_id"]
        ack_late_days = business_days.late(team_id, ack_deadline, ack_date or now)
        response_late_days = business_days.late(team_id, response_deadline, response_date or now)
        status = selections["qualiopi_status"].get(values["qualiopi_status"], "")
        founded = selections["qualiopi_founded"].get(values["qualiopi_founded"], "")
        outcome = f"{status} ({founded})" if founded else status
        masked = values["qualiopi_confidential"] and not reveal_confidential
        if masked:
            founded, outcome = "", status
            values = {**values, "qualiopi_cause_category_id": False, "qualiopi_recurrent": False}
        elif values["qualiopi_recurrent"]:
            outcome = f"{outcome}, {recurrent_text}"
        line = {
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
            "cause": causes.get(values["qualiopi_cause_category_id"], ""),
            "recurrent": bool(values["qualiopi_recurrent"]),
            "recurrent_label": yes if values["qualiopi_recurrent"] else no,
            "actions": ", ".join(action_references.get(ticket_id, ())),
            # Printed forms, for the PDF
            "received_str": printed["received_date"] or "",
            "hazard_informed_date": values["qualiopi_hazard_informed_date"],
            "ack_late_days": ack_late_days if ack_deadline else None,
            "response_late_days": response_late_days if response_deadline else None,
            "ack_str": milestone_cell(
                texts,
                printed["ack_date"],
                printed["ack_deadline"],
                bool(ack_date),
                ack_late_days,
            ),
            "ack_late": bool(ack_late_days),
            "response_str": milestone_cell(
                texts,
                printed["response_date"],
                printed["response_deadline"],
                bool(response_date),
                response_late_days,
            ),
            "response_late": bool(response_late_days),
            "outcome": outcome,
            "confidential": bool(values["qualiopi_confidential"]),
        }
        if masked:
            line.update({key: "" for key in MASKED_KEYS}, name=masked_title, recurrent_label="")
        lines.append(line)
    return lines


def _escaped(sql):
    """``sql``'s text escaped as html.escape does (&, <, >, ", ')."""
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("'", "&#x27;"),
    ):
        sql = SQL("replace(%s, %s, %s)", sql, char, entity)
    return SQL("COALESCE(%s, '')", sql)


def _labels(selection, column_sql):
    """The escaped label of a value among ``selection`` ([(value, label)]: a
    selection field's, or a few records' ids and names), as a CASE expression."""
    cases = [SQL("WHEN %s THEN %s", key, html.escape(str(label))) for key, label in selection]
    return SQL("(CASE %s %s ELSE '' END)", column_sql, SQL(" ").join(cases)) if cases else SQL("''")


def _concat(parts):
    """``parts`` (SQL expressions and literal texts) concatenated in SQL, the
    literal texts next to each other written as one (fewer copies per row)."""
    merged = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return SQL(" || ").join(SQL("%s", part) if isinstance(part, str) else part for part in merged)


def pdf_tbody_sql(
    tickets_env, domain, tz, columns, business_days, reveal_confidential=False, aside=False
):
    """The printed register's rows written by PostgreSQL in one query, as
    UTF-8 bytes: the same cells as ``qualiopi_indicator31_columns.pdf_tbody``
    (a test holds them equal), without a Python step per record, so that the
    report's time does not follow the register's size. ``None`` when the language's date format
    names months or days (PostgreSQL does not know their language): the
    caller then prints the lines in Python. A confidential case is an
    anonymised line unless ``reveal_confidential``, as in ``register_lines``.
    ``aside``: the rows may come as a ``PendingRows``, read meanwhile on a
    connection of their own (see qualiopi_indicator31_register_read)."""
    Ticket = tickets_env
    env = Ticket.env
    _pattern, to_char = datetime_format(env)
    if not to_char:
        return None
    query = Ticket._search(domain)
    table = query.table

    def col(fname):
        return Ticket._field_to_sql(table, fname, query)

    # The channels are a handful and the actions' references few: read and
    # escaped once in Python, then found by id in the query (a CASE, a
    # constant JSON object). The sessions may be thousands: their names are
    # joined (below).
    Channel = env[Ticket._fields["channel_id"].comodel_name].with_context(active_test=False)
    channels = [(channel.id, channel.name or "") for channel in Channel.search([])]

    def lookup(values, key_sql):
        return SQL("COALESCE(%s::jsonb ->> (%s)::text, '')", json.dumps(values), key_sql)

    Action = env["qualiopi.improvement.action"]
    relation = Action._fields["ticket_ids"]
    # In the improvement actions' own order, as the Python lines.
    action_references = {
        str(ticket_id): html.escape(references)
        for ticket_id, references in env.execute_query(
            SQL(
                "SELECT rel.%s, string_agg(action.reference, ', ' ORDER BY"
                " action.date_deadline, action.id DESC) FROM %s rel JOIN %s action"
                " ON action.id = rel.%s WHERE rel.%s IN (%s) GROUP BY rel.%s",
                SQL.identifier(relation.column2),
                SQL.identifier(relation.relation),
                SQL.identifier(Action._table),
                SQL.identifier(relation.column1),
                SQL.identifier(relation.column2),
                query.subselect(),
                SQL.identifier(relation.column2),
            )
        )
    }
    now = fields.Datetime.now()

    def late_days(date_field, deadline_field):
        date = col(date_field)
        return business_days.sql_late(
            col("team_id"), col(deadline_field), SQL("COALESCE(%s, %s)", date, now)
        )

    # The records' columns and their business days late, computed once per
    # record in a subquery that numbers them: PostgreSQL never merges a
    # subquery holding a window function into its outer query, where a late
    # milestone's business days would be computed at each of its four uses.
    # The rest is written once per record anyway, by the outer query.
    values = {fname: col(fname) for fname in ("id", *REGISTER_FIELDS)}
    Event = env[Ticket._fields["event_id"].comodel_name]
    event_alias = query.left_join(table, "event_id", Event._table, "id", "event_id")
    values["session"] = Event._field_to_sql(event_alias, "name", query)
    values["index"] = SQL("row_number() OVER (ORDER BY %s, %s)", col("received_date"), col("id"))
    for milestone in ("ack", "response"):
        values[f"{milestone}_late_days"] = late_days(f"{milestone}_date", f"{milestone}_deadline")
    line = {key: SQL.identifier("line", key) for key in values}

    def printed(fname):
        local = SQL("%s AT TIME ZONE 'UTC' AT TIME ZONE %s", line[fname], tz)
        return SQL("to_char(%s, %s)", local, to_char)

    def selection(fname):
        return _labels(Ticket._fields[fname]._description_selection(env), line[fname])

    texts = milestone_texts(env)
    one, prefix, suffix = (html.escape(text) for text in texts["late"])

    def milestone_text(milestone):
        """milestone_cell() in SQL."""
        date, deadline = f"{milestone}_date", f"{milestone}_deadline"
        days = line[f"{milestone}_late_days"]
        return SQL(
            "(CASE WHEN %s IS NULL THEN COALESCE(%s, %s)"
            " ELSE COALESCE(%s, %s) || %s || %s"
            " || (CASE WHEN %s = 1 THEN %s WHEN %s > 1 THEN %s || %s::text || %s"
            " WHEN %s IS NOT NULL THEN %s ELSE '' END) END)",
            line[deadline],
            printed(date),
            NOT_DUE,
            printed(date),
            html.escape(texts["pending"]),
            "\n" + html.escape(texts["deadline"]) + " ",
            printed(deadline),
            days,
            "\n" + one,
            days,
            "\n" + prefix,
            days,
            suffix,
            line[date],
            "\n" + html.escape(texts["on_time"]),
        )

    status = selection("qualiopi_status")
    cells = {
        "index": SQL("%s::text", line["index"]),
        "number": _escaped(line["number"]),
        "name": _escaped(line["name"]),
        "nature": selection("qualiopi_nature"),
        "stakeholder": selection("stakeholder_type"),
        "received_str": SQL("COALESCE(%s, '')", printed("received_date")),
        "channel": _labels(channels, line["channel_id"]),
        "session": _escaped(line["session"]),
        "ack_str": milestone_text("ack"),
        "response_str": milestone_text("response"),
        "outcome": SQL(
            "%s || COALESCE(' (' || NULLIF(%s, '') || ')', '')"
            " || (CASE WHEN %s THEN %s ELSE '' END)",
            status,
            selection("qualiopi_founded"),
            line["qualiopi_recurrent"],
            ", " + html.escape(env._("recurrent")),
        ),
        "actions": lookup(action_references, line["id"]),
    }
    if not reveal_confidential:
        masked = {key: SQL("''") for key in MASKED_KEYS}
        masked["name"] = SQL("%s", html.escape(confidential_title(env)))
        masked["outcome"] = status
        for key, blank in masked.items():
            cells[key] = SQL(
                "(CASE WHEN %s THEN %s ELSE %s END)",
                line["qualiopi_confidential"],
                blank,
                cells[key],
            )
    lates = {
        "ack_late": SQL("%s > 0", line["ack_late_days"]),
        "response_late": SQL("%s > 0", line["response_late_days"]),
    }
    row = ["<tr>"]
    for column in columns:
        if column.late_key:
            row.append(
                SQL(
                    "(CASE WHEN %s THEN '<td class=\"qualiopi-late\">' ELSE '<td>' END)",
                    lates[column.late_key],
                )
            )
        else:
            row.append("<td>")
        row += [cells[column.pdf_key], "</td>"]
    row.append("</tr>")
    tbody_sql = SQL(
        "SELECT COALESCE(string_agg(%s, '' ORDER BY %s), '') FROM (%s) line",
        _concat(row),
        line["index"],
        query.select(*(SQL("%s AS %s", sql, SQL.identifier(key)) for key, sql in values.items())),
    )
    return read_mod.read_rows(env, tbody_sql, aside=aside)
