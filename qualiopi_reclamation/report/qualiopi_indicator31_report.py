import datetime
import uuid

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import formatLang

from . import qualiopi_indicator31_business_days as business_days_mod
from . import qualiopi_indicator31_columns as columns_mod
from . import qualiopi_indicator31_figures as figures_mod
from . import qualiopi_indicator31_register as register_mod


class ReportIndicator31(models.AbstractModel):
    """The indicator-31 audit report: procedure, figures, register, sampled
    sessions and improvement actions of the period a
    ``qualiopi.indicator31.report`` wizard holds.

    The data is gathered once per wizard by ``_qualiopi_report_data()``, after
    ``_qualiopi_check_access()``, and read as superuser so that helpdesk team
    rules do not hide part of the register. Other addons extend it with
    ``super()``:

    - ``_qualiopi_figures(wizard)``: add keys to the figures;
    - ``_qualiopi_session_data(wizard, event)``: add keys to a sampled session;
    - ``_qualiopi_sections(wizard)``: append a QWeb template to one of the
      report's places (``procedure``, ``figures``, ``session``,
      ``improvement``, ``document``);
      it is called with the place's values (``proc``, ``figures``,
      ``session``, ``data``);
    - ``_qualiopi_register_columns()``: the register's columns (PDF and XLSX);
    - the XLSX report ``report.qualiopi_reclamation.report_indicator31_xlsx``
      and its ``_qualiopi_xlsx_sheets(wizard, data)``.
    """

    _name = "report.qualiopi_reclamation.report_indicator31"
    _description = "Qualiopi Indicator 31 Audit Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["qualiopi.indicator31.report"].browse(docids)
        self._qualiopi_check_access(wizards)
        reports = {wizard.id: self._qualiopi_report_data(wizard) for wizard in wizards}
        return {
            "doc_ids": wizards.ids,
            "doc_model": wizards._name,
            "docs": wizards,
            "reports": reports,
            # The registers' rows, put in the rendered page in place of their
            # placeholders (ir.actions.report._render_template).
            "qualiopi_register_rows": {
                str(report["register_placeholder"]).encode(): report["register_rows"]
                for report in reports.values()
            },
            **self._qualiopi_formatters(),
        }

    @api.model
    def _qualiopi_formatters(self):
        """Numbers printed in the report's language (``75,0 %`` in French),
        for the templates of every section; "—" for a missing value."""

        def fmt_num(value, digits=1):
            if value is None or value is False:
                return "—"
            return formatLang(self.env, value, digits=digits)

        def fmt_pct(value):
            return "—" if value is None or value is False else f"{fmt_num(value)} %"

        return {"fmt_num": fmt_num, "fmt_pct": fmt_pct}

    # ------------------------------------------------------------------
    # Access and scope
    # ------------------------------------------------------------------

    @api.model
    def _qualiopi_check_access(self, wizards):
        """Who may print: any Qualiopi group (the auditor included), and only
        for one of their companies. The data is then read as superuser."""
        user = self.env.user
        if self.env.su:
            return
        if not user.has_group("qualiopi_reclamation.group_qualiopi_auditor"):
            raise AccessError(
                self.env._("Only Qualiopi users and auditors can print the audit report.")
            )
        self._qualiopi_check_companies(wizards.company_id)

    @api.model
    def _qualiopi_check_companies(self, companies):
        """The user works for each of ``companies`` (the report's and the
        evidence pack's check)."""
        if self.env.su:
            return
        for company in companies - self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You have no access to the company %(company)s.",
                    company=company.display_name,
                )
            )

    @api.model
    def _qualiopi_tickets_env(self):
        """helpdesk.ticket as superuser, archived records included: an archived
        record is still part of the register. Callers checked the user's
        company first (_qualiopi_check_access)."""
        return self.env["helpdesk.ticket"].sudo().with_context(active_test=False)

    @api.model
    def _qualiopi_actions_env(self):
        # Superuser for the same reason as the tickets (access checked first).
        return self.env["qualiopi.improvement.action"].sudo().with_context(active_test=False)

    @api.model
    def _qualiopi_tz(self, wizard):
        return wizard.company_id._qualiopi_tz()

    @api.model
    def _qualiopi_bounds(self, wizard):
        """The period as naive UTC datetimes [start, stop), midnight to midnight
        in the company's time zone."""
        tz = pytz.timezone(self._qualiopi_tz(wizard))

        def to_utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return to_utc(wizard.date_from), to_utc(wizard.date_to + datetime.timedelta(days=1))

    @api.model
    def _qualiopi_business_days(self, wizard, date_from=None):
        """The working days of the company's calendars, from the period's start
        (or ``date_from``) to now or the period's end, whichever is later:
        every deadline and milestone date the report compares. Read once per
        printed report (``_qualiopi_report_data`` hands them down in the
        context: reading two years of a calendar costs some 50 ms)."""
        start, stop = self._qualiopi_bounds(wizard)
        start = min(start, date_from or start)
        stop = max(stop, fields.Datetime.now())
        known = self.env.context.get("qualiopi_business_days")
        if known and known.covers(wizard.company_id.id, start, stop):
            return known
        return business_days_mod.BusinessDays.from_company(wizard.company_id, start, stop)

    @api.model
    def _qualiopi_ticket_domain(self, wizard):
        """The Qualiopi records of the report: company, period, sample, type."""
        start, stop = self._qualiopi_bounds(wizard)
        domain = [
            ("qualiopi_nature", "!=", False),
            ("company_id", "=", wizard.company_id.id),
            ("received_date", ">=", start),
            ("received_date", "<", stop),
        ]
        if wizard.event_ids:
            domain.append(("event_id", "in", wizard.event_ids.ids))
        if wizard.stakeholder_type:
            domain.append(("stakeholder_type", "=", wizard.stakeholder_type))
        return domain

    @api.model
    def _qualiopi_linked_domain(self, wizard, ticket_field, date_domain):
        """Records linked to the report's records (improvement actions,
        mediation referrals): those of the period's records through
        ``ticket_field``, and those dated in the period by ``date_domain``
        unless a sample or a stakeholder type narrows the report to its
        records."""
        linked = [(ticket_field, "any", self._qualiopi_ticket_domain(wizard))]
        if not (wizard.event_ids or wizard.stakeholder_type):
            linked = expression.OR([linked, date_domain])
        return expression.AND([[("company_id", "=", wizard.company_id.id)], linked])

    @api.model
    def _qualiopi_action_domain(self, wizard):
        start, stop = self._qualiopi_bounds(wizard)
        return self._qualiopi_linked_domain(
            wizard, "ticket_ids", [("create_date", ">=", start), ("create_date", "<", stop)]
        )

    # ------------------------------------------------------------------
    # Figures (aggregated queries only)
    # ------------------------------------------------------------------

    @api.model
    def _qualiopi_breakdowns(self, domain, field_names):
        """{field: [{key, label, count}]} of the records of ``domain``, largest
        count first (one scan: figures_mod.breakdowns)."""
        return figures_mod.breakdowns(self._qualiopi_tickets_env(), domain, field_names)

    @api.model
    def _qualiopi_period_counts(self, domain, business_days):
        """Delays and shares of the milestones, overdue now, recurrent, and
        the counts of ``_qualiopi_counted_domains`` (one scan:
        figures_mod.period_counts)."""
        return figures_mod.period_counts(
            self._qualiopi_tickets_env(),
            domain,
            self._qualiopi_counted_domains(),
            business_days,
        )

    @api.model
    def _qualiopi_counted_domains(self):
        """{key: domain}: more counts of the period's records, made in the
        figures' one scan (other addons add theirs with ``super()``); read
        from ``figures["counted"][key]``."""
        return {"open_now": [("stage_id.closed", "=", False)]}

    @api.model
    def _qualiopi_process_live(self, wizard):
        """Evidence that the procedure runs, even in a period with no complaint."""
        Ticket = self._qualiopi_tickets_env()
        start, _stop = self._qualiopi_bounds(wizard)
        company = wizard.company_id
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(company)
        # Superuser: channels and the cron are configuration the user may not
        # read; the company was checked first.
        # "Other" is the helpdesk's catch-all, not a way in (as in the procedure).
        other = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_other", raise_if_not_found=False
        )
        channels = (
            self.env["helpdesk.ticket.channel"]
            .sudo()
            .search(
                [("company_id", "in", [company.id, False]), ("id", "!=", other.id if other else 0)],
                order="sequence, id",
            )
        )
        cron = self.env.ref(
            "qualiopi_reclamation.ir_cron_qualiopi_deadlines", raise_if_not_found=False
        )
        cron = cron and cron.sudo()  # its state only, for "the process runs"
        last = Ticket.search_fetch(
            [
                ("qualiopi_nature", "=", "complaint"),
                ("company_id", "=", company.id),
                ("received_date", "<", start),
            ],
            ["received_date"],
            order="received_date desc",
            limit=1,
        )
        # The version in force at the end of the period, not today's.
        version, version_date = procedure.version, procedure.version_date
        if version_date and version_date > wizard.date_to:
            older = procedure.version_ids.filtered(
                lambda v: v.version_date and v.version_date <= wizard.date_to
            )[:1]
            version, version_date = older.version or False, older.version_date or False
        return {
            "channel_names": channels.mapped("name"),
            "channel_count": len(channels),
            "procedure_version": version,
            "procedure_date": version_date,
            "cron_active": bool(cron and cron.active),
            "cron_lastcall": cron.lastcall if cron else False,
            "last_complaint_date": last.received_date,
            "auto_ack": company.qualiopi_auto_ack,
            # Facts dated in the period that show the process running, added
            # by other addons with super() (surveys sent, mediator...).
            "facts": [],
        }

    @api.model
    def _qualiopi_figures(self, wizard):
        """The figures of the period, as a dict of plain values (JSON-ready
        except the dates of ``process_live``). Override with ``super()`` to
        add keys, and print them with a section (``_qualiopi_sections``)."""
        company = wizard.company_id
        domain = self._qualiopi_ticket_domain(wizard)
        breakdowns = self._qualiopi_breakdowns(
            domain,
            [
                "qualiopi_nature",
                "stakeholder_type",
                "channel_id",
                "qualiopi_cause_category_id",
                "qualiopi_founded",
            ],
        )
        by_nature = breakdowns["qualiopi_nature"]
        nature_counts = {row["key"]: row["count"] for row in by_nature}
        founded = {row["key"]: row["count"] for row in breakdowns["qualiopi_founded"] if row["key"]}
        analysed = sum(founded.values())
        action_states = dict(
            self._qualiopi_actions_env()._read_group(
                self._qualiopi_action_domain(wizard), ["state"], ["__count"]
            )
        )
        counts = self._qualiopi_period_counts(domain, self._qualiopi_business_days(wizard))
        founded_or_partly = founded.get("founded", 0) + founded.get("partly", 0)
        figures = {
            "date_from": fields.Date.to_string(wizard.date_from),
            "date_to": fields.Date.to_string(wizard.date_to),
            "company": company.name,
            "sample": wizard.event_ids.mapped("display_name"),
            "total": sum(nature_counts.values()),
            "complaint_count": nature_counts.get("complaint", 0),
            "difficulty_count": nature_counts.get("difficulty", 0),
            "hazard_count": nature_counts.get("hazard", 0),
            "by_nature": by_nature,
            "by_stakeholder": breakdowns["stakeholder_type"],
            "by_channel": breakdowns["channel_id"],
            "by_cause": breakdowns["qualiopi_cause_category_id"],
            "ack": counts["ack"],
            "response": counts["response"],
            "overdue_now": counts["overdue_now"],
            "open_now": counts["open_now"],
            "counted": {key: counts[key] for key in self._qualiopi_counted_domains()},
            "analysed": analysed,
            "founded": founded.get("founded", 0),
            "partly_founded": founded.get("partly", 0),
            "unfounded": founded.get("unfounded", 0),
            "share_founded": round(100.0 * founded_or_partly / analysed, 1) if analysed else None,
            "recurrent": counts["recurrent"],
            "actions": {
                "total": sum(action_states.values()),
                "planned": action_states.get("planned", 0),
                "in_progress": action_states.get("in_progress", 0),
                "done": action_states.get("done", 0),
                "cancelled": action_states.get("cancelled", 0),
            },
            "ack_days": company.qualiopi_ack_days,
            "response_days": company.qualiopi_response_days,
            "process_live": self._qualiopi_process_live(wizard),
        }
        return figures

    @api.model
    def _qualiopi_figures_html(self, wizard, figures=None):
        """The figures as printed in the report, for the wizard's summary and
        the annual review."""
        self._qualiopi_check_access(wizard)
        return self.env["ir.qweb"]._render(
            "qualiopi_reclamation.indicator31_figures",
            {
                "figures": figures if figures is not None else self._qualiopi_figures(wizard),
                **self._qualiopi_formatters(),
                "doc": wizard,
                "sections": self._qualiopi_sections(wizard),
            },
        )

    # ------------------------------------------------------------------
    # Sections, register, sessions, actions
    # ------------------------------------------------------------------

    @api.model
    def _qualiopi_sections(self, wizard):
        """{place: [{"name", "template"}]}: the templates other addons print at
        each place of the report, in this order (append with ``super()``)."""
        return {"procedure": [], "figures": [], "session": [], "improvement": [], "document": []}

    @api.model
    def _qualiopi_procedure_data(self, wizard):
        """The procedure as configured, for the section 'procedure as applied'."""
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(wizard.company_id)
        return procedure._qualiopi_procedure_data()

    @api.model
    def _qualiopi_dt_formatter(self, wizard):
        """A function printing a UTC datetime in the company's time zone, in
        the user's language date format, to the minute (the register's own
        dates are written by PostgreSQL in the same format)."""
        pattern, _to_char = register_mod.datetime_format(self.env)
        tz = pytz.timezone(self._qualiopi_tz(wizard))

        def format_dt(value):
            if not value:
                return ""
            return pytz.utc.localize(value).astimezone(tz).strftime(pattern)

        return format_dt

    @api.model
    def _qualiopi_reveal_confidential(self, wizard):
        """Whether confidential cases are printed in full rather than as
        anonymised lines: only for a confidential referent who asked for it
        (see report/qualiopi_indicator31_confidential.py)."""
        return False

    @api.model
    def _qualiopi_register_columns(self):
        """The register's columns, for the PDF and the XLSX."""
        return columns_mod.register_columns(self.env)

    @api.model
    def _qualiopi_register_lines(self, wizard, domain=None):
        """The register of the period, numbered from 1 without gaps, in the
        order of reception: one dict per record, holding every column's key
        (see qualiopi_indicator31_columns)."""
        Ticket = self._qualiopi_tickets_env()
        rows = register_mod.register_rows(
            Ticket,
            domain if domain is not None else self._qualiopi_ticket_domain(wizard),
            self._qualiopi_tz(wizard),
        )
        names = register_mod.comodel_names(Ticket, rows)
        action_references = {}
        if rows:
            for action in self._qualiopi_actions_env().search_fetch(
                [("ticket_ids", "in", [row[0] for row in rows])], ["reference", "ticket_ids"]
            ):
                for ticket_id in action.ticket_ids._ids:
                    action_references.setdefault(ticket_id, []).append(action.reference)
        return register_mod.register_lines(
            Ticket,
            rows,
            names,
            action_references,
            self._qualiopi_business_days(wizard),
            reveal_confidential=self._qualiopi_reveal_confidential(wizard),
        )

    @api.model
    def _qualiopi_register_tbody(self, wizard, columns, aside=False):
        """The printed register's rows, as UTF-8 bytes (the page's own
        encoding): written by PostgreSQL, or by Python from the register's
        lines when the language's date format names months (see
        register_mod.pdf_tbody_sql). ``aside``: PostgreSQL's rows may come
        as a PendingRows (qualiopi_indicator31_register_read), read meanwhile
        on a connection of their own."""
        tbody = register_mod.pdf_tbody_sql(
            self._qualiopi_tickets_env(),
            self._qualiopi_ticket_domain(wizard),
            self._qualiopi_tz(wizard),
            columns_mod.pdf_columns(columns),
            self._qualiopi_business_days(wizard),
            reveal_confidential=self._qualiopi_reveal_confidential(wizard),
            aside=aside,
        )
        if tbody is None:
            lines = self._qualiopi_register_lines(wizard)
            return str(columns_mod.pdf_tbody(columns, lines)).encode()
        # Every cell was escaped by the query (register_mod._escaped, _labels).
        return tbody

    @api.model
    def _qualiopi_improvement_actions(self, wizard):
        return self._qualiopi_actions_env().search(
            self._qualiopi_action_domain(wizard), order="date_deadline, id"
        )

    @api.model
    def _qualiopi_report_data(self, wizard):
        """Everything the PDF prints for one wizard, gathered once."""
        self = self.with_context(qualiopi_business_days=self._qualiopi_business_days(wizard))
        columns = self._qualiopi_register_columns()
        # First: PostgreSQL may print the register while the rest is gathered.
        register_rows = self._qualiopi_register_tbody(wizard, columns, aside=True)
        fmt_dt = self._qualiopi_dt_formatter(wizard)
        figures = self._qualiopi_figures(wizard)
        return {
            "figures": figures,
            "procedure": self._qualiopi_procedure_data(wizard),
            "register_count": figures["total"],
            "register_columns": columns_mod.pdf_columns(columns),
            "register_rows": register_rows,
            # Where the rows go in the page, unguessable: no printed text can
            # hold it (and QWeb escapes its "<" anyway).
            "register_placeholder": Markup('<tr data-qualiopi-register="%s"></tr>')
            % uuid.uuid4().hex,
            "sessions": [
                # The sampled sessions, read as the register (company checked).
                self._qualiopi_session_data(wizard, event)
                for event in wizard.event_ids.sudo()
            ],
            "actions": self._qualiopi_improvement_actions(wizard),
            "sections": self._qualiopi_sections(wizard),
            "tz": self._qualiopi_tz(wizard),
            "fmt_dt": fmt_dt,
            "printed_on": fmt_dt(fields.Datetime.now()),
        }
