import base64
import datetime
import html
import io
import re

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

try:
    import xlsxwriter
except ImportError:  # pragma: no cover - Odoo ships it
    xlsxwriter = None


class QualiopiIndicator31Report(models.TransientModel):
    """The indicator-31 audit report: procedure, figures, register, sampled
    sessions and improvement actions for a period.

    Extension points for other addons:

    - ``_qualiopi_figures()`` returns the figures as a dict: extend it with
      ``super()`` and add your own keys (``surveys``, ``mediations``...);
    - ``_qualiopi_procedure_data()``, ``_qualiopi_session_data(event)`` and
      ``_qualiopi_report_data()`` likewise;
    - the QWeb templates ``report_indicator31_document`` (named ``<div name>``
      sections), ``indicator31_figures``, ``indicator31_procedure`` and
      ``indicator31_session`` are inherited by xpath on those names;
    - ``_qualiopi_register_lines()`` and ``_qualiopi_register_row_cells(line)``
      give the register's rows and their printed cells (the header is in the
      template ``indicator31_register``);
    - ``_qualiopi_xlsx_sheets()`` lists the sheets of the XLSX export.
    """

    _name = "qualiopi.indicator31.report"
    _description = "Qualiopi Indicator 31 Audit Report"
    _check_company_auto = True

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    event_ids = fields.Many2many(
        comodel_name="event.event",
        string="Sampled sessions",
        check_company=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="The sessions the auditor sampled: the figures, the register and the "
        "actions are limited to their records, and each gets its own section. "
        "Empty: every record of the period.",
    )
    stakeholder_type = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["stakeholder_type"].selection,
        string="Stakeholder type",
        help="Limit the report to the records raised by one type of stakeholder.",
    )
    summary_html = fields.Html(string="Summary", compute="_compute_summary_html", sanitize=False)
    xlsx_file = fields.Binary(string="XLSX export", readonly=True, attachment=False)
    xlsx_filename = fields.Char(readonly=True)

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("date_from", "date_to", "company_id", "event_ids", "stakeholder_type")
    def _compute_summary_html(self):
        for wizard in self:
            if not (
                wizard.date_from
                and wizard.date_to
                and wizard.company_id
                and wizard.date_from <= wizard.date_to
            ):
                wizard.summary_html = False
                continue
            wizard.summary_html = self.env["ir.qweb"]._render(
                "qualiopi_reclamation.indicator31_figures",
                {"figures": wizard._qualiopi_figures(), "doc": wizard},
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(
                    self.env._(
                        "The period of the report starts on %(start)s, after its end on %(end)s.",
                        start=format_date(self.env, wizard.date_from),
                        end=format_date(self.env, wizard.date_to),
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_print_pdf(self):
        self.ensure_one()
        self._qualiopi_check_access()
        return self.env.ref("qualiopi_reclamation.report_indicator31").report_action(self)

    def action_export_xlsx(self):
        self.ensure_one()
        content = self._qualiopi_xlsx_content()
        self.write(
            {
                "xlsx_file": base64.b64encode(content),
                "xlsx_filename": self._qualiopi_file_name() + ".xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content?model={self._name}&id={self.id}&field=xlsx_file"
            "&filename_field=xlsx_filename&download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------

    def _qualiopi_check_access(self):
        """Who may print: any Qualiopi group (the auditor included), and only
        for one of their companies. The data is then read as superuser so that
        helpdesk team rules do not hide part of the register."""
        user = self.env.user
        if not (self.env.su or user.has_group("qualiopi_reclamation.group_qualiopi_auditor")):
            raise AccessError(
                self.env._("Only Qualiopi users and auditors can print the audit report.")
            )
        for wizard in self:
            if not self.env.su and wizard.company_id not in user.company_ids:
                raise AccessError(
                    self.env._(
                        "You have no access to the company %(company)s.",
                        company=wizard.company_id.display_name,
                    )
                )

    def _qualiopi_tz(self):
        self.ensure_one()
        return self.company_id._qualiopi_tz()

    def _qualiopi_bounds(self):
        """The period as naive UTC datetimes [start, stop), midnight to midnight
        in the company's time zone."""
        self.ensure_one()
        tz = pytz.timezone(self._qualiopi_tz())

        def to_utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return to_utc(self.date_from), to_utc(self.date_to + datetime.timedelta(days=1))

    def _qualiopi_ticket_domain(self):
        """The Qualiopi records of the report: company, period, sample, type."""
        self.ensure_one()
        start, stop = self._qualiopi_bounds()
        domain = [
            ("qualiopi_nature", "!=", False),
            ("company_id", "=", self.company_id.id),
            ("received_date", ">=", start),
            ("received_date", "<", stop),
        ]
        if self.event_ids:
            domain.append(("event_id", "in", self.event_ids.ids))
        if self.stakeholder_type:
            domain.append(("stakeholder_type", "=", self.stakeholder_type))
        return domain

    def _qualiopi_tickets_env(self):
        """helpdesk.ticket as superuser, archived records included: an archived
        record is still part of the register."""
        return self.env["helpdesk.ticket"].sudo().with_context(active_test=False)

    def _qualiopi_action_domain(self):
        """Improvement actions of the report: those of the period's records,
        and those opened during the period."""
        self.ensure_one()
        start, stop = self._qualiopi_bounds()
        ticket_domain = self._qualiopi_ticket_domain()
        from_tickets = [("ticket_ids", "any", ticket_domain)]
        if self.event_ids or self.stakeholder_type:
            return [("company_id", "=", self.company_id.id), *from_tickets]
        return [
            ("company_id", "=", self.company_id.id),
            "|",
            *from_tickets,
            "&",
            ("create_date", ">=", start),
            ("create_date", "<", stop),
        ]

    # ------------------------------------------------------------------
    # Figures (aggregated queries only)
    # ------------------------------------------------------------------

    def _qualiopi_count_by(self, domain, field_name):
        """[(key, label, count)] for ``field_name``, largest count first."""
        Ticket = self._qualiopi_tickets_env()
        field = Ticket._fields[field_name]
        rows = []
        for value, count in Ticket._read_group(domain, [field_name], ["__count"]):
            if field.type == "many2one":
                key, label = value.id or False, value.display_name
            else:
                key = value
                label = dict(field._description_selection(self.env)).get(value)
            rows.append(
                {
                    "key": key,
                    "label": label or self.env._("Not set"),
                    "count": count,
                }
            )
        rows.sort(key=lambda row: (-row["count"], row["label"]))
        return rows

    def _qualiopi_delay_figures(self, domain, date_field, deadline_field):
        """Median delay (days) and share within the deadline for one milestone.

        A record counts in the share once it is due: its deadline has passed or
        the milestone is done; it is on time when done by the deadline.
        """
        Ticket = self._qualiopi_tickets_env()
        query = Ticket._search(domain)
        table = query.table
        date_sql = SQL.identifier(table, date_field)
        deadline_sql = SQL.identifier(table, deadline_field)
        received_sql = SQL.identifier(table, "received_date")
        now = fields.Datetime.now()
        self.env.cr.execute(
            query.select(
                SQL(
                    """
                    percentile_cont(0.5) WITHIN GROUP (
                        ORDER BY EXTRACT(EPOCH FROM (%(date)s - %(received)s)) / 86400.0
                    ) FILTER (WHERE %(date)s IS NOT NULL),
                    COUNT(*) FILTER (WHERE %(deadline)s IS NOT NULL),
                    COUNT(*) FILTER (WHERE %(date)s IS NOT NULL),
                    COUNT(*) FILTER (
                        WHERE %(deadline)s IS NOT NULL
                        AND (%(date)s IS NOT NULL OR %(deadline)s < %(now)s)
                    ),
                    COUNT(*) FILTER (
                        WHERE %(deadline)s IS NOT NULL AND %(date)s <= %(deadline)s
                    )
                    """,
                    date=date_sql,
                    received=received_sql,
                    deadline=deadline_sql,
                    now=now,
                )
            )
        )
        median, expected, done, due, on_time = self.env.cr.fetchone()
        return {
            "expected": expected,
            "done": done,
            "due": due,
            "on_time": on_time,
            "late": due - on_time,
            "median_days": round(float(median), 1) if median is not None else None,
            "share_on_time": round(100.0 * on_time / due, 1) if due else None,
        }

    def _qualiopi_overdue_domain(self):
        now = fields.Datetime.now()
        return [
            ("stage_id.closed", "=", False),
            "|",
            "&",
            ("ack_date", "=", False),
            ("ack_deadline", "<", now),
            "&",
            ("response_date", "=", False),
            ("response_deadline", "<", now),
        ]

    def _qualiopi_process_live(self):
        """Evidence that the procedure runs, even in a period with no complaint."""
        self.ensure_one()
        Ticket = self._qualiopi_tickets_env()
        start, _stop = self._qualiopi_bounds()
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company_id)
        channels = self._qualiopi_channels()
        cron = self.env.ref(
            "qualiopi_reclamation.ir_cron_qualiopi_deadlines", raise_if_not_found=False
        )
        last = Ticket.search_fetch(
            [
                ("qualiopi_nature", "=", "complaint"),
                ("company_id", "=", self.company_id.id),
                ("received_date", "<", start),
            ],
            ["received_date"],
            order="received_date desc",
            limit=1,
        )
        # The version in force at the end of the period, not today's.
        version, version_date = procedure.version, procedure.version_date
        if version_date and version_date > self.date_to:
            older = procedure.version_ids.filtered(
                lambda v: v.version_date and v.version_date <= self.date_to
            )[:1]
            version, version_date = older.version or False, older.version_date or False
        return {
            "channel_names": channels.mapped("name"),
            "channel_count": len(channels),
            "procedure_version": version,
            "procedure_date": version_date,
            "cron_active": bool(cron and cron.sudo().active),
            "cron_lastcall": cron.sudo().lastcall if cron else False,
            "last_complaint_date": last.received_date,
            "auto_ack": self.company_id.qualiopi_auto_ack,
        }

    def _qualiopi_figures(self):
        """The figures of the period, as a dict of plain values (JSON-ready
        except the dates of ``process_live``).

        Override with ``super()`` to add keys; the template
        ``indicator31_figures`` prints the core keys and has a named, empty
        ``<div>`` per addon (``figures_mediation``, ``figures_surveys``).
        """
        self.ensure_one()
        self._qualiopi_check_access()
        Ticket = self._qualiopi_tickets_env()
        domain = self._qualiopi_ticket_domain()
        complaint_domain = [*domain, ("qualiopi_nature", "=", "complaint")]
        by_nature = self._qualiopi_count_by(domain, "qualiopi_nature")
        nature_counts = {row["key"]: row["count"] for row in by_nature}
        founded = {
            value: count
            for value, count in Ticket._read_group(
                [*domain, ("is_founded", "!=", False)], ["is_founded"], ["__count"]
            )
        }
        analysed = sum(founded.values())
        Action = self.env["qualiopi.improvement.action"].sudo().with_context(active_test=False)
        action_states = dict(
            Action._read_group(self._qualiopi_action_domain(), ["state"], ["__count"])
        )
        total = Ticket.search_count(domain)
        recurrent = Ticket.search_count([*domain, ("is_recurrent", "=", True)])
        overdue_now = Ticket.search_count([*domain, *self._qualiopi_overdue_domain()])
        figures = {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "company": self.company_id.name,
            "sample": self.event_ids.mapped("display_name"),
            "total": total,
            "complaint_count": nature_counts.get("complaint", 0),
            "difficulty_count": nature_counts.get("difficulty", 0),
            "hazard_count": nature_counts.get("hazard", 0),
            "by_nature": by_nature,
            "by_stakeholder": self._qualiopi_count_by(domain, "stakeholder_type"),
            "by_channel": self._qualiopi_count_by(domain, "channel_id"),
            "by_cause": self._qualiopi_count_by(domain, "cause_category_id"),
            "ack": self._qualiopi_delay_figures(complaint_domain, "ack_date", "ack_deadline"),
            "response": self._qualiopi_delay_figures(domain, "response_date", "response_deadline"),
            "overdue_now": overdue_now,
            "analysed": analysed,
            "founded": founded.get("founded", 0),
            "partly_founded": founded.get("partly", 0),
            "unfounded": founded.get("unfounded", 0),
            "share_founded": round(
                100.0 * (founded.get("founded", 0) + founded.get("partly", 0)) / analysed,
                1,
            )
            if analysed
            else None,
            "recurrent": recurrent,
            "actions": {
                "total": sum(action_states.values()),
                "planned": action_states.get("planned", 0),
                "in_progress": action_states.get("in_progress", 0),
                "done": action_states.get("done", 0),
                "cancelled": action_states.get("cancelled", 0),
            },
            "ack_days": self.company_id.qualiopi_ack_days,
            "response_days": self.company_id.qualiopi_response_days,
        }
        figures["process_live"] = self._qualiopi_process_live()
        return figures

    # ------------------------------------------------------------------
    # Procedure, register, sessions, actions
    # ------------------------------------------------------------------

    def _qualiopi_channels(self):
        Channel = self.env["helpdesk.ticket.channel"].sudo()
        return Channel.search(
            [("company_id", "in", [self.company_id.id, False])], order="sequence, id"
        )

    def _qualiopi_procedure_data(self):
        """The procedure as configured, for the section 'procedure as applied'."""
        self.ensure_one()
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company_id)
        return procedure._qualiopi_procedure_data()

    def _qualiopi_dt_formatter(self):
        """A function printing a UTC datetime in the company's time zone, in
        the user's language date format, to the minute (the register's own
        dates are written by PostgreSQL in the same format)."""
        self.ensure_one()
        pattern, _to_char = self._qualiopi_register_datetime_format()
        tz = pytz.timezone(self._qualiopi_tz())

        def format_dt(value):
            if not value:
                return ""
            return pytz.utc.localize(value).astimezone(tz).strftime(pattern)

        return format_dt

    def _qualiopi_format_dt(self, value):
        return self._qualiopi_dt_formatter()(value)

    # The register's columns, read in one query; the many2one are named in
    # one batch per comodel.
    _QUALIOPI_REGISTER_COLUMNS = (
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

    # strftime directives of the languages' date formats, as to_char patterns
    _QUALIOPI_TO_CHAR = {
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

    def _qualiopi_register_datetime_format(self):
        """The user's language date format with the time, as a strftime
        pattern and, when every directive has one, as a PostgreSQL to_char
        pattern (``None`` otherwise: names of months or days, whose language
        PostgreSQL does not know)."""
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        pattern = f"{lang.date_format or '%m/%d/%Y'} %H:%M"
        parts = re.split(r"(%.)", pattern)
        to_char = []
        for index, part in enumerate(parts):
            if index % 2:
                if part not in self._QUALIOPI_TO_CHAR:
                    return pattern, None
                to_char.append(self._QUALIOPI_TO_CHAR[part])
            elif part:
                # Literal text is quoted: to_char reads letters as patterns.
                to_char.append('"{}"'.format(part.replace("\\", "\\\\").replace('"', '\\"')))
        return pattern, "".join(to_char)

    def _qualiopi_register_rows(self, domain):
        """[(id, {column: value}, {column: printed date})] of the register, in
        the order of reception, from one SQL query: a register of 10,000
        records must not cost 10,000 times the ORM's per-record accesses.
        The printed dates are in the company's time zone and the user's
        language format, written by PostgreSQL when it can."""
        Ticket = self._qualiopi_tickets_env()
        columns = self._QUALIOPI_REGISTER_COLUMNS
        printed_columns = ("received_date", "ack_date", "response_date")
        query = Ticket._search(domain, order="received_date, id")
        table = query.table
        tz = self._qualiopi_tz()
        pattern, to_char = self._qualiopi_register_datetime_format()
        printed_sql = []
        for fname in printed_columns:
            local = SQL(
                "%s AT TIME ZONE 'UTC' AT TIME ZONE %s",
                Ticket._field_to_sql(table, fname, query),
                tz,
            )
            printed_sql.append(SQL("to_char(%s, %s)", local, to_char) if to_char else local)
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(table, "id"),
                *(Ticket._field_to_sql(table, fname, query) for fname in columns),
                *printed_sql,
            )
        )
        width = len(columns) + 1
        result = []
        for row in rows:
            printed = dict(zip(printed_columns, row[width:], strict=True))
            if not to_char:
                printed = {
                    fname: value.strftime(pattern) if value else None
                    for fname, value in printed.items()
                }
            result.append((row[0], dict(zip(columns, row[1:width], strict=True)), printed))
        return result

    def _qualiopi_register_lines(self, domain=None):
        """The register of the period, numbered from 1 without gaps, in the
        order of reception."""
        self.ensure_one()
        Ticket = self._qualiopi_tickets_env()
        rows = self._qualiopi_register_rows(
            domain if domain is not None else self._qualiopi_ticket_domain()
        )
        tickets = Ticket.browse([row[0] for row in rows])
        names = {}
        for fname in ("channel_id", "event_id", "cause_category_id"):
            ids = {values[fname] for _id, values, _printed in rows if values[fname]}
            comodel = (
                self.env[Ticket._fields[fname].comodel_name].sudo().with_context(active_test=False)
            )
            names[fname] = {record.id: record.name for record in comodel.browse(ids)}
        action_references = {}
        if rows:
            Action = self.env["qualiopi.improvement.action"].sudo().with_context(active_test=False)
            for action in Action.search_fetch(
                [("ticket_ids", "in", tickets.ids)], ["reference", "ticket_ids"]
            ):
                for ticket_id in action.ticket_ids._ids:
                    action_references.setdefault(ticket_id, []).append(action.reference)
        now = fields.Datetime.now()
        selections = {
            fname: dict(Ticket._fields[fname]._description_selection(self.env))
            for fname in ("qualiopi_nature", "stakeholder_type", "qualiopi_status", "is_founded")
        }
        pending = self.env._("pending")
        recurrent = self.env._("recurrent")
        lines = []
        for index, (ticket, (ticket_id, values, printed)) in enumerate(
            zip(tickets, rows, strict=True), start=1
        ):
            ack_date, ack_deadline = values["ack_date"], values["ack_deadline"]
            response_date = values["response_date"]
            response_deadline = values["response_deadline"]
            status = selections["qualiopi_status"].get(values["qualiopi_status"], "")
            founded = selections["is_founded"].get(values["is_founded"], "")
            outcome = f"{status} ({founded})" if founded else status
            if values["is_recurrent"]:
                outcome = f"{outcome}, {recurrent}"
            lines.append(
                {
                    "index": index,
                    "ticket": ticket,
                    "number": values["number"],
                    "name": values["name"],
                    "nature": selections["qualiopi_nature"].get(values["qualiopi_nature"], ""),
                    "stakeholder": selections["stakeholder_type"].get(
                        values["stakeholder_type"], ""
                    ),
                    "received_date": values["received_date"],
                    "channel": names["channel_id"].get(values["channel_id"], ""),
                    "session": names["event_id"].get(values["event_id"], ""),
                    "ack_date": ack_date,
                    "ack_deadline": ack_deadline,
                    "response_date": response_date,
                    "response_deadline": response_deadline,
                    "status": status,
                    "founded": founded,
                    "cause": names["cause_category_id"].get(values["cause_category_id"], ""),
                    "recurrent": bool(values["is_recurrent"]),
                    "actions": ", ".join(action_references.get(ticket_id, ())),
                    # Printed forms, for the PDF
                    "received_str": printed["received_date"] or "",
                    "ack_str": printed["ack_date"]
                    if ack_date
                    else (pending if ack_deadline else "-"),
                    "ack_late": bool(ack_deadline and (ack_date or now) > ack_deadline),
                    "response_str": printed["response_date"]
                    if response_date
                    else (pending if response_deadline else "-"),
                    "response_late": bool(
                        response_deadline and (response_date or now) > response_deadline
                    ),
                    "outcome": outcome,
                }
            )
        return lines

    def _qualiopi_session_data(self, event):
        """One sampled session: its records (whatever their date) with their
        handling and evidence. Other addons add keys (surveys, mediations)."""
        self.ensure_one()
        Ticket = self._qualiopi_tickets_env()
        domain = [
            ("qualiopi_nature", "!=", False),
            ("company_id", "=", self.company_id.id),
            ("event_id", "=", event.id),
        ]
        tickets = Ticket.search(domain, order="received_date, id")
        fmt = self._qualiopi_dt_formatter()
        records = []
        for ticket in tickets:
            evidence = []
            if ticket.ack_message_id:
                evidence.append(
                    self.env._(
                        "acknowledgement: message #%(id)s of %(date)s",
                        id=ticket.ack_message_id.id,
                        date=fmt(ticket.ack_message_id.date),
                    )
                )
            elif ticket.ack_date:
                evidence.append(
                    self.env._(
                        "acknowledgement recorded (%(method)s) on %(date)s",
                        method=dict(
                            ticket._fields["ack_method"]._description_selection(self.env)
                        ).get(ticket.ack_method, ""),
                        date=fmt(ticket.ack_date),
                    )
                )
            if ticket.response_message_id:
                evidence.append(
                    self.env._(
                        "answer: message #%(id)s of %(date)s",
                        id=ticket.response_message_id.id,
                        date=fmt(ticket.response_message_id.date),
                    )
                )
            if ticket.transcribed_by_id:
                evidence.append(
                    self.env._(
                        "transcribed by %(user)s",
                        user=ticket.transcribed_by_id.name,
                    )
                )
            handling = (
                ticket.hazard_measure
                or ticket.difficulty_handling
                or ticket.corrective_action_note
                or ""
            )
            informed = []
            if ticket.qualiopi_nature == "hazard":
                for flag, label in (
                    ("hazard_informed_trainees", self.env._("trainees")),
                    ("hazard_informed_client", self.env._("client company")),
                    ("hazard_informed_funder", self.env._("funder")),
                ):
                    if ticket[flag]:
                        informed.append(label)
            records.append(
                {
                    "ticket": ticket,
                    "handling": handling,
                    "informed": ", ".join(informed),
                    "evidence": "; ".join(evidence),
                }
            )
        counts = dict(Ticket._read_group(domain, ["qualiopi_nature"], ["__count"]))
        return {
            "event": event.sudo(),
            "records": records,
            "counts": counts,
            "actions": self.env["qualiopi.improvement.action"]
            .sudo()
            .search([("event_ids", "in", event.ids)]),
        }

    def _qualiopi_register_row_cells(self, line):
        """The cells of one row of the printed register, as (text, is_late), in
        the order of the header of the template ``indicator31_register``."""
        return [
            (line["index"], False),
            (line["number"], False),
            (line["name"], False),
            (line["nature"], False),
            (line["stakeholder"], False),
            (line["received_str"], False),
            (line["channel"], False),
            (line["session"], False),
            (line["ack_str"], line["ack_late"]),
            (line["response_str"], line["response_late"]),
            (line["outcome"], False),
            (line["actions"], False),
        ]

    def _qualiopi_register_tbody(self, register):
        """The rows of the printed register as one escaped string: a QWeb loop
        sends each cell through every level of the layout's nested templates,
        which made the report's time grow with the register far more than its
        queries did."""
        self.ensure_one()
        parts = []
        for line in register:
            parts.append("<tr>")
            for value, is_late in self._qualiopi_register_row_cells(line):
                parts.append('<td class="qualiopi-late">' if is_late else "<td>")
                if value is not None and value is not False:
                    # html.escape, not markupsafe's: 5x cheaper per cell, as it
                    # makes no Markup object (same characters escaped).
                    parts.append(html.escape(str(value)))
                parts.append("</td>")
            parts.append("</tr>")
        return Markup("".join(parts))

    def _qualiopi_improvement_actions(self):
        self.ensure_one()
        return (
            self.env["qualiopi.improvement.action"]
            .sudo()
            .with_context(active_test=False)
            .search(self._qualiopi_action_domain(), order="date_deadline, id")
        )

    def _qualiopi_report_data(self):
        """Everything the PDF prints, computed once per wizard."""
        self.ensure_one()
        self._qualiopi_check_access()
        return {
            "figures": self._qualiopi_figures(),
            "procedure": self._qualiopi_procedure_data(),
            "register": self._qualiopi_register_lines(),
            "sessions": [self._qualiopi_session_data(event) for event in self.event_ids],
            "actions": self._qualiopi_improvement_actions(),
            "fmt_dt": self._qualiopi_dt_formatter(),
            "printed_on": self._qualiopi_format_dt(fields.Datetime.now()),
        }

    def _qualiopi_file_name(self):
        self.ensure_one()
        date_from = fields.Date.to_string(self.date_from)
        date_to = fields.Date.to_string(self.date_to)
        return f"qualiopi-indicator31-{date_from}-{date_to}"

    # ------------------------------------------------------------------
    # XLSX export
    # ------------------------------------------------------------------

    def _qualiopi_xlsx_sheets(self):
        """[(sheet name, header, rows)]: extend to add sheets."""
        self.ensure_one()
        figures = self._qualiopi_figures()
        register = self._qualiopi_register_lines()
        register_rows = [
            [
                line["index"],
                line["number"],
                line["name"],
                line["nature"],
                line["stakeholder"],
                line["received_date"],
                line["channel"],
                line["session"],
                line["ack_deadline"],
                line["ack_date"],
                line["response_deadline"],
                line["response_date"],
                line["status"],
                line["founded"],
                line["cause"],
                self.env._("Yes") if line["recurrent"] else self.env._("No"),
                line["actions"],
            ]
            for line in register
        ]
        figure_rows = [
            [self.env._("Company"), figures["company"]],
            [self.env._("From"), self.date_from],
            [self.env._("To"), self.date_to],
            [self.env._("Sampled sessions"), ", ".join(figures["sample"])],
            [self.env._("Records"), figures["total"]],
        ]
        for title, key in (
            (self.env._("By nature"), "by_nature"),
            (self.env._("By stakeholder type"), "by_stakeholder"),
            (self.env._("By channel"), "by_channel"),
            (self.env._("By cause"), "by_cause"),
        ):
            figure_rows += [[f"{title}: {row['label']}", row["count"]] for row in figures[key]]
        for title, key in (
            (self.env._("Acknowledgement"), "ack"),
            (self.env._("Answer"), "response"),
        ):
            delay = figures[key]
            figure_rows += [
                [self.env._("%s: median time (days)", title), delay["median_days"]],
                [self.env._("%s: due", title), delay["due"]],
                [self.env._("%s: within the deadline", title), delay["on_time"]],
                [self.env._("%s: share within the deadline (%%)", title), delay["share_on_time"]],
            ]
        figure_rows += [
            [self.env._("Overdue now"), figures["overdue_now"]],
            [self.env._("Analysed"), figures["analysed"]],
            [self.env._("Founded"), figures["founded"]],
            [self.env._("Partly founded"), figures["partly_founded"]],
            [self.env._("Unfounded"), figures["unfounded"]],
            [self.env._("Share founded or partly founded (%)"), figures["share_founded"]],
            [self.env._("Recurrent"), figures["recurrent"]],
            [self.env._("Improvement actions"), figures["actions"]["total"]],
        ]
        action_headers, action_rows = self._qualiopi_improvement_actions()._qualiopi_export_table()
        return [
            (
                self.env._("Register"),
                [
                    self.env._("No."),
                    self.env._("Reference"),
                    self.env._("Title"),
                    self.env._("Nature"),
                    self.env._("Stakeholder type"),
                    self.env._("Received on"),
                    self.env._("Channel"),
                    self.env._("Session"),
                    self.env._("Acknowledgement deadline"),
                    self.env._("Acknowledged on"),
                    self.env._("Answer deadline"),
                    self.env._("Answered on"),
                    self.env._("Status"),
                    self.env._("Founded"),
                    self.env._("Cause"),
                    self.env._("Recurrent"),
                    self.env._("Improvement actions"),
                ],
                register_rows,
            ),
            (self.env._("Figures"), [self.env._("Figure"), self.env._("Value")], figure_rows),
            (
                self.env._("Improvement actions"),
                action_headers,
                action_rows,
            ),
        ]

    def _qualiopi_xlsx_content(self):
        self.ensure_one()
        self._qualiopi_check_access()
        if xlsxwriter is None:  # pragma: no cover
            raise UserError(self.env._("The Python library xlsxwriter is missing."))
        tz = pytz.timezone(self._qualiopi_tz())
        buffer = io.BytesIO()
        # Record values are typed by people (a complainant's name, a description):
        # never let a cell starting with "=" or "http" become a formula or a link.
        workbook = xlsxwriter.Workbook(
            buffer,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        datetime_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        for name, header, rows in self._qualiopi_xlsx_sheets():
            sheet = workbook.add_worksheet(name[:31])
            sheet.write_row(0, 0, header, bold)
            sheet.freeze_panes(1, 0)
            for row_index, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    if isinstance(value, datetime.datetime):
                        local = pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
                        sheet.write_datetime(row_index, col, local, datetime_format)
                    elif isinstance(value, datetime.date):
                        sheet.write_datetime(
                            row_index,
                            col,
                            datetime.datetime.combine(value, datetime.time.min),
                            date_format,
                        )
                    elif value is None or value is False:
                        sheet.write_blank(row_index, col, None)
                    else:
                        sheet.write(row_index, col, value)
            if rows:
                sheet.autofilter(0, 0, len(rows), len(header) - 1)
            sheet.set_column(0, len(header) - 1, 18)
        workbook.close()
        return buffer.getvalue()
