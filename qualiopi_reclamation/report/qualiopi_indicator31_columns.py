"""The columns of the indicator-31 register, defined once for the PDF and the
XLSX: each reads one key of a register line (see
``report.qualiopi_reclamation.report_indicator31._qualiopi_register_lines``)."""

import html
from operator import itemgetter
from typing import NamedTuple

from markupsafe import Markup


class RegisterColumn(NamedTuple):
    """One column of the register.

    ``key``: the line's value written in the XLSX (a typed value: dates stay
    dates); ``pdf_key``: the line's printed text in the PDF (``None``: XLSX
    only); ``late_key``: the line's flag that marks the PDF cell late;
    ``xlsx``: ``False`` for a column printed in the PDF only.
    """

    key: str
    label: str
    pdf_key: str | None = None
    late_key: str | None = None
    xlsx: bool = True


def register_columns(env):
    """The register's columns, in their order (translated in ``env``'s language)."""
    return [
        RegisterColumn("index", env._("No."), "index"),
        RegisterColumn("number", env._("Reference"), "number"),
        RegisterColumn("name", env._("Title"), "name"),
        RegisterColumn("nature", env._("Nature"), "nature"),
        RegisterColumn("stakeholder", env._("Stakeholder type"), "stakeholder"),
        RegisterColumn("received_date", env._("Received on"), "received_str"),
        RegisterColumn("channel", env._("Channel"), "channel"),
        RegisterColumn("session", env._("Session"), "session"),
        RegisterColumn("ack_deadline", env._("Acknowledgement deadline")),
        RegisterColumn("ack_date", env._("Acknowledged on"), "ack_str", "ack_late"),
        RegisterColumn("ack_late_days", env._("Acknowledgement late (business days)")),
        RegisterColumn("response_deadline", env._("Answer deadline")),
        RegisterColumn("response_date", env._("Answered on"), "response_str", "response_late"),
        RegisterColumn("response_late_days", env._("Answer late (business days)")),
        RegisterColumn("hazard_informed_date", env._("Hazard: stakeholders informed on")),
        RegisterColumn("outcome", env._("Outcome"), "outcome", xlsx=False),
        RegisterColumn("status", env._("Status")),
        RegisterColumn("founded", env._("Founded")),
        RegisterColumn("cause", env._("Cause")),
        RegisterColumn("recurrent_label", env._("Recurrent")),
        RegisterColumn("actions", env._("Improvement actions"), "actions"),
    ]


def pdf_columns(columns):
    return [column for column in columns if column.pdf_key]


def xlsx_columns(columns):
    return [column for column in columns if column.xlsx]


def xlsx_rows(columns, lines):
    """The register's rows of values for the XLSX sheet."""
    get = itemgetter(*(column.key for column in xlsx_columns(columns)))
    return [list(get(line)) for line in lines]


def pdf_tbody(columns, lines):
    """The rows of the printed register as one escaped string: a QWeb loop
    sends each cell through every level of the layout's nested templates,
    which made the report's time grow with the register far more than its
    queries did. A column's texts repeat (natures, sessions, dates, labels):
    each distinct text is escaped once."""
    printed = pdf_columns(columns)
    get_text = itemgetter(*(column.pdf_key for column in printed))
    late_keys = [column.late_key for column in printed]
    escaped = [{} for _column in printed]
    escape = html.escape  # 5x cheaper per cell than markupsafe's (no Markup object)
    parts = []
    for line in lines:
        cells = []
        for value, late_key, memo in zip(get_text(line), late_keys, escaped, strict=True):
            text = memo.get(value)
            if text is None:
                text = memo[value] = "" if value is None or value is False else escape(str(value))
            if late_key and line[late_key]:
                cells.append(f'<td class="qualiopi-late">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        parts.append(f"<tr>{''.join(cells)}</tr>")
    return Markup("".join(parts))
