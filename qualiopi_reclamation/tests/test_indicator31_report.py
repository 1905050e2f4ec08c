"""The indicator-31 audit report on a known register. Over 500 lines for a
reason: every figure, the register's cells (PDF and XLSX), the samples, the
query counts and the company checks are asserted against the one data set of
``Indicator31Common``, which a split would have to rebuild per file."""

import datetime
import io
import subprocess
from contextlib import closing
from html import escape as html_escape
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time
from markupsafe import escape

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import SQL

from ..report import qualiopi_indicator31_business_days as business_days_mod
from ..report import qualiopi_indicator31_columns as columns_mod
from ..report import qualiopi_indicator31_register as register_mod
from ..report import qualiopi_indicator31_register_read as read_mod
from .common import QualiopiCommon, QualiopiRpcMixin


class Indicator31Common(QualiopiCommon):
    """A known register: five records in March 2026, one before, one after,
    one in another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.event2 = cls.env["event.event"].create(
            {
                "name": "Management - mars",
                "date_begin": "2026-03-23 08:00:00",
                "date_end": "2026-03-27 16:00:00",
                "company_id": cls.company.id,
            }
        )
        cls.cause_logistics = cls.env.ref("qualiopi_reclamation.cause_category_logistics")
        Ticket = cls.env["helpdesk.ticket"].with_context(qualiopi_no_auto_ack=True)
        day = datetime.timedelta(days=1)

        def complaint(**values):
            return Ticket.create(cls._complaint_values(**values))

        received = datetime.datetime(2026, 3, 2, 9, 0)
        # c1: acknowledged after 1 day and answered after 5: on time; founded.
        cls.c1 = complaint(
            name="c1",
            received_date=received,
            ack_date=received + day,
            response_date=received + 5 * day,
            qualiopi_cause_category_id=cls.cause_content.id,
            qualiopi_founded="founded",
        )
        # c2: client, by phone, on the second session: both milestones late.
        received = datetime.datetime(2026, 3, 3, 9, 0)
        cls.c2 = complaint(
            name="c2",
            stakeholder_type="client",
            channel_id=cls.channel_phone.id,
            event_id=cls.event2.id,
            received_date=received,
            ack_date=received + 3 * day,
            response_date=received + 20 * day,
            qualiopi_founded="unfounded",
        )
        # c3: never acknowledged nor answered: overdue now; same cause and
        # session as c1, so recurrent.
        cls.c3 = complaint(
            name="c3",
            received_date=datetime.datetime(2026, 3, 10, 9, 0),
            qualiopi_cause_category_id=cls.cause_content.id,
        )
        # d1: a difficulty answered after 2 days, partly founded.
        received = datetime.datetime(2026, 3, 20, 9, 0)
        cls.d1 = complaint(
            name="d1",
            qualiopi_nature="difficulty",
            received_date=received,
            response_date=received + 2 * day,
            qualiopi_founded="partly",
            qualiopi_difficulty_handling="Exercices adaptés.",
        )
        # h1: a hazard on the second session, reported by the trainer.
        cls.h1 = complaint(
            name="h1",
            qualiopi_nature="hazard",
            stakeholder_type="trainer",
            channel_id=cls.channel_phone.id,
            event_id=cls.event2.id,
            received_date=datetime.datetime(2026, 3, 25, 9, 0),
            qualiopi_hazard_measure="Formateur remplacé dans l'heure.",
            qualiopi_hazard_informed_trainees=True,
            qualiopi_cause_category_id=cls.cause_logistics.id,
        )
        # Outside the period, before and after.
        cls.before = complaint(
            name="before",
            event_id=False,
            received_date=datetime.datetime(2026, 2, 16, 9, 0),
        )
        cls.after = complaint(
            name="after",
            event_id=False,
            received_date=datetime.datetime(2026, 4, 5, 9, 0),
        )
        # Not a Qualiopi record at all.
        cls.env["helpdesk.ticket"].create(
            {
                "name": "Imprimante en panne",
                "description": "<p>Interne</p>",
                "team_id": cls.team.id,
                "create_date": "2026-03-05 09:00:00",
            }
        )
        cls.action = cls.env["qualiopi.improvement.action"].create(
            {
                "name": "Supports envoyés à J-5",
                "ticket_ids": [Command.set(cls.c1.ids)],
                "user_id": cls.user_manager.id,
                "date_deadline": "2026-04-15",
            }
        )
        # Another company with a complaint in the same period.
        cls.company_b = cls.env["res.company"].create({"name": "Autre organisme"})
        cls.ticket_b = Ticket.with_company(cls.company_b).create(
            {
                "name": "Autre société",
                "description": "<p>B</p>",
                "qualiopi_nature": "complaint",
                "stakeholder_type": "trainee",
                "company_id": cls.company_b.id,
                "received_date": datetime.datetime(2026, 3, 12, 9, 0),
            }
        )
        cls.period_tickets = cls.c1 | cls.c2 | cls.c3 | cls.d1 | cls.h1

    def _wizard(self, user=None, **values):
        Wizard = self.env["qualiopi.indicator31.report"]
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.create(
            {
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
                "company_id": self.company.id,
                **values,
            }
        )

    @staticmethod
    def _counts(rows):
        return {row["key"]: row["count"] for row in rows}

    @property
    def Report(self):
        return self.env["report.qualiopi_reclamation.report_indicator31"]

    def _lines(self, wizard):
        return self.Report.with_env(wizard.env)._qualiopi_register_lines(wizard)

    def _line_tickets(self, wizard):
        return self.env["helpdesk.ticket"].browse([line["id"] for line in self._lines(wizard)])

    def _html(self, wizard, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        return Report._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[
            0
        ].decode()

    def _xlsx(self, wizard, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        content, report_type = Report._render_xlsx(
            "qualiopi_reclamation.report_indicator31_xlsx", wizard.ids, None
        )
        self.assertEqual(report_type, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content))


@tagged("post_install", "-at_install")
class TestIndicator31Report(Indicator31Common):
    """The audit report on the known register, seen on April 30th 2026."""

    freeze_time = "2026-04-30 10:00:00"

    def test_deadlines_of_the_data_set(self):
        # The data set relies on these computed deadlines (2 and 10 business days).
        self.assertLess(self.c1.ack_date, self.c1.ack_deadline)
        self.assertLess(self.c1.response_date, self.c1.response_deadline)
        self.assertGreater(self.c2.ack_date, self.c2.ack_deadline)
        self.assertGreater(self.c2.response_date, self.c2.response_deadline)
        self.assertLess(self.d1.response_date, self.d1.response_deadline)
        self.assertFalse(self.h1.ack_deadline or self.h1.response_deadline)
        self.assertTrue(self.c3.qualiopi_recurrent)
        self.assertFalse(self.c1.qualiopi_recurrent)

    def test_figures_of_the_period(self):
        figures = self._wizard()._qualiopi_figures()
        self.assertEqual(figures["total"], 5)
        self.assertEqual(
            (figures["complaint_count"], figures["difficulty_count"], figures["hazard_count"]),
            (3, 1, 1),
        )
        self.assertEqual(
            self._counts(figures["by_nature"]),
            {"complaint": 3, "difficulty": 1, "hazard": 1},
        )
        self.assertEqual(
            self._counts(figures["by_stakeholder"]),
            {"trainee": 3, "client": 1, "trainer": 1},
        )
        self.assertEqual(
            self._counts(figures["by_channel"]),
            {self.channel_web.id: 3, self.channel_phone.id: 2},
        )
        self.assertEqual(
            self._counts(figures["by_cause"]),
            {self.cause_content.id: 2, self.cause_logistics.id: 1, False: 2},
        )
        # Acknowledgement: complaints only; c3's deadline passed without it.
        self.assertEqual(
            figures["ack"],
            {
                "expected": 3,
                "done": 2,
                "due": 3,
                "on_time": 1,
                "late": 2,
                "median_days": 2.0,
                "mean_days": 2.0,
                "share_on_time": 33.3,
            },
        )
        # Answer: complaints and difficulties, after 5, 20 and 2 calendar days:
        # 4, 14 and 0 business days (Monday to Saturday, Tuesday to Monday
        # three weeks later, Friday to Sunday).
        self.assertEqual(
            figures["response"],
            {
                "expected": 4,
                "done": 3,
                "due": 4,
                "on_time": 2,
                "late": 2,
                "median_days": 4.0,
                "mean_days": 6.0,
                "share_on_time": 50.0,
            },
        )
        self.assertEqual(figures["overdue_now"], 1)
        self.assertEqual(
            (
                figures["analysed"],
                figures["founded"],
                figures["partly_founded"],
                figures["unfounded"],
                figures["share_founded"],
            ),
            (3, 1, 1, 1, 66.7),
        )
        self.assertEqual(figures["recurrent"], 1)
        self.assertEqual(figures["actions"]["total"], 1)
        self.assertEqual(figures["actions"]["planned"], 1)

    def test_figures_not_due_yet(self):
        # Seen on March 11th, c3 (received on the 10th) is neither acknowledged
        # nor late yet: it is expected, not due, and not overdue.
        wizard = self._wizard(date_from="2026-03-10", date_to="2026-03-10")
        with freeze_time("2026-03-11 10:00:00"):
            figures = wizard._qualiopi_figures()
        self.assertEqual(figures["total"], 1)
        self.assertEqual((figures["ack"]["expected"], figures["ack"]["due"]), (1, 0))
        self.assertIsNone(figures["ack"]["share_on_time"])
        self.assertEqual(figures["overdue_now"], 0)

    def test_sample_and_stakeholder_filters(self):
        wizard = self._wizard(event_ids=[Command.set(self.event2.ids)])
        figures = wizard._qualiopi_figures()
        self.assertEqual(figures["total"], 2)
        self.assertEqual(self._counts(figures["by_nature"]), {"complaint": 1, "hazard": 1})
        self.assertEqual((figures["ack"]["due"], figures["ack"]["on_time"]), (1, 0))
        self.assertEqual(figures["ack"]["share_on_time"], 0.0)
        self.assertEqual(figures["actions"]["total"], 0)
        self.assertEqual(figures["sample"], [self.event2.display_name])
        self.assertEqual(self._line_tickets(wizard), self.c2 | self.h1)
        wizard = self._wizard(stakeholder_type="client")
        self.assertEqual(wizard._qualiopi_figures()["total"], 1)

    def test_empty_period(self):
        # The procedure only exists from April on (the demo data's too).
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company)
        procedure.sudo().write({"version_date": "2026-04-01"})
        procedure.version_ids.sudo().write({"version_date": "2026-04-01"})
        wizard = self._wizard(date_from="2026-02-17", date_to="2026-02-28")
        figures = wizard._qualiopi_figures()
        self.assertEqual(figures["total"], 0)
        self.assertEqual(figures["complaint_count"], 0)
        self.assertIsNone(figures["ack"]["median_days"])
        self.assertIsNone(figures["ack"]["share_on_time"])
        self.assertIsNone(figures["response"]["share_on_time"])
        self.assertIsNone(figures["share_founded"])
        self.assertEqual(figures["by_nature"], [])
        self.assertEqual(self._lines(wizard), [])
        live = figures["process_live"]
        self.assertEqual(live["last_complaint_date"], self.before.received_date)
        self.assertGreaterEqual(live["channel_count"], 2)
        self.assertTrue(live["cron_active"])
        # The procedure only exists from April on: no version in force in February.
        self.assertFalse(live["procedure_version"])
        html = self._html(wizard)
        self.assertIn("No complaint was received", html)
        self.assertIn("The process for handling complaints was nevertheless live", html)
        # Facts dated in the period (surveys sent, with qualiopi_survey), and
        # no contradiction: the helpdesk's catch-all is not a channel.
        for fact in live["facts"]:
            self.assertIn(str(escape(fact)), html)
        other = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_other")
        self.assertNotIn(other.name, live["channel_names"])
        self.assertIn("No version of the written procedure was recorded", html)
        self.assertIn("The register holds no record for this period.", html)
        # A period with records has no such statement.
        self.assertNotIn("No complaint was received", self._wizard().summary_html)

    def test_bad_period(self):
        with self.assertRaises(UserError):
            self._wizard(date_from="2026-04-01", date_to="2026-03-01")

    def test_multi_company_isolation(self):
        figures = self._wizard()._qualiopi_figures()
        self.assertNotIn(self.ticket_b, self._line_tickets(self._wizard()))
        self.assertEqual(figures["total"], 5)
        wizard_b = self._wizard(company_id=self.company_b.id)
        figures_b = wizard_b._qualiopi_figures()
        self.assertEqual(figures_b["total"], 1)
        self.assertEqual(figures_b["actions"]["total"], 0)
        self.assertEqual(self._line_tickets(wizard_b), self.ticket_b)
        # A user of the first company only cannot print the other one.
        with self.assertRaises(AccessError):
            self._wizard(user=self.user_auditor, company_id=self.company_b.id)._qualiopi_figures()

    def test_register_numbered_without_gaps(self):
        lines = self._lines(self._wizard())
        self.assertEqual([line["index"] for line in lines], [1, 2, 3, 4, 5])
        self.assertEqual(
            [line["id"] for line in lines], (self.c1 | self.c2 | self.c3 | self.d1 | self.h1).ids
        )
        self.assertEqual(lines[0]["actions"], self.action.reference)
        self.assertEqual(lines[1]["channel"], self.channel_phone.name)

    def test_register_rows_in_the_page(self):
        """The register's rows, written by PostgreSQL, take their placeholder's
        place in the rendered page; a title imitating the placeholder is
        printed escaped, never replaced."""
        forged = '<tr data-qualiopi-register="0"></tr>'
        self.c2.sudo().name = forged
        html = self._html(self._wizard(user=self.user_auditor), user=self.user_auditor)
        register = html.split('name="register"')[1].split("</tbody>")[0]
        self.assertNotIn("data-qualiopi-register", register.replace(html_escape(forged), ""))
        self.assertIn(html_escape(forged), register)
        self.assertEqual(register.count("<tr><td>"), 5)
        for ticket in self.period_tickets:
            self.assertIn(f"<td>{ticket.number}</td>", register)

    def test_register_read_in_a_transaction_that_wrote(self):
        """This transaction wrote (the test's records, uncommitted): its
        register is read in it, not aside, where another connection would not
        see them."""
        columns = self.Report._qualiopi_register_columns()
        rows = self.Report._qualiopi_register_tbody(self._wizard(), columns, aside=True)
        self.assertIsInstance(rows, bytes)
        for ticket in self.period_tickets:
            self.assertIn(f"<td>{ticket.number}</td>".encode(), rows)

    def test_register_read_again_when_read_aside_fails(self):
        """The other connection failing (here, on a snapshot that does not
        exist), the rows are read again in the report's transaction, with a
        warning: the page still holds every record."""

        def start(cls, env, query):
            return cls(env.cr, "00000003-00000001-1", query)

        wizard = self._wizard()
        with (
            patch.object(read_mod.PendingRows, "start", classmethod(start)),
            self.assertLogs(read_mod.__name__, "WARNING") as logs,
        ):
            html = self._html(wizard)
        self.assertIn("read again", logs.output[0])
        register = html.split('name="register"')[1].split("</tbody>")[0]
        self.assertEqual(register.count("<tr><td>"), 5)
        for ticket in self.period_tickets:
            self.assertIn(f"<td>{ticket.number}</td>", register)

    def test_register_read_aside_in_the_reports_snapshot(self):
        """A transaction that wrote nothing, a printed report's, has its
        register read on a connection of its own, in its snapshot: the same
        rows as read in the transaction itself. On the database's committed
        records (the demo's register), in a transaction apart from the
        test's."""
        xid = SQL("SELECT pg_current_xact_id_if_assigned()")
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Report = env["report.qualiopi_reclamation.report_indicator31"]
            wizard = env["qualiopi.indicator31.report"].new(
                {"date_from": "2000-01-01", "date_to": "2099-12-31", "company_id": env.company.id}
            )
            columns = Report._qualiopi_register_columns()
            pending = Report._qualiopi_register_tbody(wizard, columns, aside=True)
            self.assertIsInstance(pending, read_mod.PendingRows)
            rows = read_mod.rows_bytes(pending)
            self.assertIn(b"<tr><td>1</td>", rows)
            self.assertEqual(rows, Report._qualiopi_register_tbody(wizard, columns))
            self.assertEqual(env.execute_query(xid), [(None,)])

    def test_printed_register(self):
        """The register's rows as printed: Paris time in the language's date
        format (PostgreSQL's to_char and Python agree), late milestones
        marked, text escaped."""
        self.c3.name = 'Salle "B12" <script>alert(1)</script> & café'
        wizard = self._wizard()
        lines = self._lines(wizard)
        fmt = self.Report._qualiopi_dt_formatter(wizard)
        # c1 was received at 09:00 UTC, 10:00 in Paris (winter time).
        self.assertEqual(lines[0]["received_str"], "03/02/2026 10:00")
        self.assertEqual(lines[0]["received_str"], fmt(self.c1.received_date))
        # Each milestone: its date, its deadline and whether it was met, in
        # business days of the company's calendar.
        self.assertEqual(
            lines[0]["ack_str"],
            f"{fmt(self.c1.ack_date)}\ndeadline {fmt(self.c1.ack_deadline)}\non time",
        )
        self.assertFalse(lines[0]["ack_late"] or lines[0]["response_late"])
        self.assertEqual((lines[0]["ack_late_days"], lines[0]["response_late_days"]), (0, 0))
        self.assertTrue(lines[1]["ack_late"] and lines[1]["response_late"])
        # c2: received Tuesday 3 March, due Thursday 5 evening, acknowledged
        # Friday 6: one business day late; answered on Monday 23 March, due
        # Tuesday 17: four business days late (18, 19, 20, 23).
        self.assertEqual((lines[1]["ack_late_days"], lines[1]["response_late_days"]), (1, 4))
        self.assertTrue(lines[1]["ack_str"].endswith("\nlate by 1 business day"))
        self.assertTrue(lines[1]["response_str"].endswith("\nlate by 4 business days"))
        # c3: nothing done, both deadlines past on April 30th: pending, and
        # late by the business days since each deadline.
        self.assertEqual(
            (lines[2]["ack_str"].split("\n")[0], lines[2]["response_str"].split("\n")[0]),
            ("pending", "pending"),
        )
        self.assertTrue(lines[2]["ack_late"] and lines[2]["response_late"])
        self.assertGreater(lines[2]["ack_late_days"], lines[2]["response_late_days"])
        self.assertIn("late by", lines[2]["ack_str"])
        # h1: a hazard has no acknowledgement deadline.
        self.assertEqual(lines[4]["ack_str"], "—")
        self.assertIn(", recurrent", lines[2]["outcome"])
        tbody = columns_mod.pdf_tbody(self.Report._qualiopi_register_columns(), lines)
        self.assertEqual(tbody.count("<tr>"), 5)
        self.assertNotIn("<script>", tbody)
        self.assertIn(
            "Salle &quot;B12&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; café", tbody
        )
        self.assertEqual(tbody.count('<td class="qualiopi-late">'), 4)
        # The PDF's rows are written by PostgreSQL: the same cells, to the byte.
        columns = self.Report._qualiopi_register_columns()
        self.assertEqual(self.Report._qualiopi_register_tbody(wizard, columns).decode(), str(tbody))
        # In French: day first; dates in both languages come from the same row.
        french = wizard.with_context(lang="fr_FR")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(self._lines(french)[0]["received_str"], "02/03/2026 10:00")
        French = self.Report.with_context(lang="fr_FR")
        french_columns = French._qualiopi_register_columns()
        self.assertEqual(
            French._qualiopi_register_tbody(french, french_columns).decode(),
            str(columns_mod.pdf_tbody(french_columns, self._lines(french))),
        )

    def test_printed_register_team_calendar(self):
        """A record counts its business days on its team's calendar: with a
        team working on Saturdays, PostgreSQL and Python still print the
        same cells."""
        calendar = self.company.resource_calendar_id.copy({"name": "Six jours"})
        calendar.attendance_ids = [
            Command.create({"name": "Samedi", "dayofweek": "5", "hour_from": 8, "hour_to": 12})
        ]
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Équipe du samedi", "resource_calendar_id": calendar.id}
        )
        self.c2.sudo().team_id = team
        # c2: received Tuesday 3 March; ten business days with Saturdays end on
        # Saturday 14; answered Monday 23: late by 16 to 21 and 23 March.
        self.assertEqual(self.c2.response_deadline.date(), datetime.date(2026, 3, 14))
        wizard = self._wizard()
        columns = self.Report._qualiopi_register_columns()
        lines = self._lines(wizard)
        [line] = [line for line in lines if line["id"] == self.c2.id]
        self.assertEqual(line["response_late_days"], 7)
        # The others still count on the company's calendar (c3: pending).
        [other] = [line for line in lines if line["id"] == self.c3.id]
        self.assertTrue(other["response_late"])
        self.assertEqual(
            self.Report._qualiopi_register_tbody(wizard, columns).decode(),
            str(columns_mod.pdf_tbody(columns, lines)),
        )
        # The figures' times count on it too: c2 answered after 17 business
        # days (4 to 7, 9 to 14, 16 to 21 and 23 March).
        business_days = self.Report._qualiopi_business_days(wizard)
        self.assertEqual(
            business_days.count(team.id, self.c2.received_date, self.c2.response_date), 17
        )
        # PostgreSQL counts the same: answers after 4, 17 and 0 business days.
        response = wizard._qualiopi_figures()["response"]
        self.assertEqual((response["median_days"], response["mean_days"]), (4.0, 7.0))

    def test_printed_register_month_names(self):
        """A language whose date format names the month: PostgreSQL would print
        it in English, so Python writes the dates."""
        lang = self.env["res.lang"]._activate_lang("fr_FR")
        lang.date_format = "%d %B %Y"
        wizard = self._wizard().with_context(lang="fr_FR")
        self.assertIsNone(register_mod.datetime_format(wizard.env)[1])
        line = self._lines(wizard)[0]
        fmt = self.Report.with_env(wizard.env)._qualiopi_dt_formatter(wizard)
        self.assertEqual(line["received_str"], fmt(self.c1.received_date))
        self.assertIn("2026 10:00", line["received_str"])
        # Literal letters are quoted for to_char.
        lang.date_format = "%Y-%m-%d h"
        self.assertEqual(
            register_mod.datetime_format(wizard.env)[1], 'YYYY"-"MM"-"DD" h "HH24":"MI'
        )
        self.assertEqual(self._lines(wizard)[0]["received_str"], "2026-03-02 h 10:00")

    def _more_records(self, count):
        Ticket = self.env["helpdesk.ticket"].with_context(qualiopi_no_auto_ack=True)
        more = Ticket.create(
            [
                self._complaint_values(
                    name=f"extra {index}",
                    received_date=datetime.datetime(2026, 3, 4 + index % 20, 9, 0),
                    event_id=(self.event | self.event2)[index % 2].id,
                    channel_id=self.channel_phone.id,
                )
                for index in range(count)
            ]
        )
        self.env["qualiopi.improvement.action"].create(
            {
                "name": "Extra",
                "ticket_ids": [Command.set(more[:10].ids)],
                "user_id": self.user_manager.id,
                "date_deadline": "2026-04-20",
            }
        )
        return more

    def _query_count(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        function()
        return self.cr.sql_log_count - start

    def test_report_queries_do_not_grow_with_the_register(self):
        """The report's data is gathered by a fixed number of queries,
        whatever the register's size (sampled sessions included)."""
        wizard = self._wizard(
            user=self.user_auditor, event_ids=[Command.set((self.event | self.event2).ids)]
        )
        Report = self.Report.with_user(self.user_auditor)

        def report_values():
            values = Report._get_report_values(wizard.ids)
            self.assertTrue(values["reports"][wizard.id]["register_rows"])

        # Once for the caches of the registry (languages, selections, groups).
        report_values()
        queries = self._query_count(report_values)
        self._more_records(30)
        self.assertEqual(len(self._lines(wizard)), 35)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            report_values()

    def test_working_days_read_once(self):
        """The printed report reads the calendars' working days once, for the
        register, the figures and the sampled sessions (whose records fall in
        the period) alike."""
        wizard = self._wizard(event_ids=[Command.set((self.event | self.event2).ids)])
        BusinessDays = business_days_mod.BusinessDays
        with patch.object(
            BusinessDays, "from_company", side_effect=BusinessDays.from_company
        ) as read:
            self.Report._get_report_values(wizard.ids)
        self.assertEqual(read.call_count, 1)

    def test_session_section(self):
        wizard = self._wizard(event_ids=[Command.set(self.event2.ids)])
        session = self.Report._qualiopi_session_data(wizard, self.event2)
        self.assertEqual([r["ticket"] for r in session["records"]], [self.c2, self.h1])
        self.assertEqual(session["counts"], {"complaint": 1, "hazard": 1})
        hazard = session["records"][1]
        self.assertEqual(hazard["handling"], "Formateur remplacé dans l'heure.")
        self.assertEqual(hazard["informed"], "trainees (date not recorded)")
        self.assertEqual(hazard["ack"]["cell"], "—")
        # c2: each milestone's date, deadline, lateness and proof, as the
        # register prints them (business days of the company's calendar).
        fmt = self.Report._qualiopi_dt_formatter(wizard)
        complaint = session["records"][0]
        self.assertEqual(
            complaint["ack"]["cell"],
            f"{fmt(self.c2.ack_date)}\ndeadline {fmt(self.c2.ack_deadline)}"
            "\nlate by 1 business day",
        )
        self.assertEqual(
            (complaint["ack"]["late_days"], complaint["response"]["late_days"]), (1, 4)
        )
        [line] = [line for line in self._lines(wizard) if line["id"] == self.c2.id]
        self.assertEqual(complaint["response"]["cell"], line["response_str"])
        self.assertIn("recorded", complaint["ack"]["proof"])
        # A hazard says whom it informed and when.
        self.h1.sudo().write(
            {
                "qualiopi_hazard_informed_client": True,
                "qualiopi_hazard_informed_date": datetime.datetime(2026, 3, 25, 9, 30),
            }
        )
        hazard = self.Report._qualiopi_session_data(wizard, self.event2)["records"][1]
        [line] = [line for line in self._lines(wizard) if line["id"] == self.h1.id]
        self.assertEqual(line["hazard_informed_date"], self.h1.qualiopi_hazard_informed_date)
        self.assertEqual(hazard["informed"], "trainees, client company, on 03/25/2026 10:30")
        # An answer proven by its message: the message's number and date.
        message = self.c1.message_post(body="Réponse", message_type="comment")
        self.c1.sudo().write({"response_message_id": message.id})
        record = self.Report._qualiopi_session_record(
            self.c1,
            self.Report._qualiopi_business_days(wizard),
            register_mod.milestone_texts(self.env),
            fmt,
            datetime.datetime(2026, 4, 30, 10, 0),
        )
        self.assertEqual(
            record["response"]["proof"], f"message #{message.id} of {fmt(message.date)}"
        )
        # The PDF's HTML prints them.
        html = self._html(wizard)
        self.assertIn("late by 1 business day", html)
        self.assertIn(f"deadline {fmt(self.c2.response_deadline)}", html)
        self.assertIn("trainees, client company, on", html)

    def test_xlsx_export(self):
        """The workbook is printed through its report action (OCA report_xlsx),
        as the Print menu and the wizard's button do."""
        wizard = self._wizard(user=self.user_auditor)
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(action["report_name"], "qualiopi_reclamation.report_indicator31_xlsx")
        book = self._xlsx(wizard, user=self.user_auditor)
        # The survey and mediation addons, when installed, append their own sheets.
        self.assertEqual(book.sheetnames[:3], ["Register", "Figures", "Improvement actions"])
        rows = list(book["Register"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("No.", "Reference", "Title"))
        # The register's columns, defined once: the PDF's and the XLSX's headers
        # come from the same list.
        columns = self.Report._qualiopi_register_columns()
        self.assertEqual(
            list(rows[0]), [column.label for column in columns_mod.xlsx_columns(columns)]
        )
        html = self._html(wizard)
        for column in columns_mod.pdf_columns(columns):
            self.assertIn(f"<th>{column.label}</th>", html)
        self.assertEqual([row[0] for row in rows[1:]], [1, 2, 3, 4, 5])
        self.assertEqual([row[1] for row in rows[1:]], self.period_tickets.mapped("number"))
        # Received date written as a date, in Paris time (UTC+1 in March).
        self.assertEqual(rows[1][5], datetime.datetime(2026, 3, 2, 10, 0))
        figures = dict(book["Figures"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(figures["Records"], 5)
        # The period as dates, not as ISO text.
        self.assertEqual(figures["From"], datetime.datetime(2026, 3, 1))
        self.assertEqual(figures["To"], datetime.datetime(2026, 3, 31))
        self.assertEqual(figures["Overdue now"], 1)
        actions = list(book["Improvement actions"].iter_rows(values_only=True))
        self.assertEqual(actions[1][0], self.action.reference)

    def test_auditor_prints_but_cannot_modify(self):
        wizard = self._wizard(user=self.user_auditor)
        html = self._html(wizard, user=self.user_auditor)
        self.assertIn(self.c1.number, html)
        self.assertEqual(self._xlsx(wizard, user=self.user_auditor)["Figures"]["B6"].value, 5)
        self.assertEqual(
            wizard.action_print_pdf()["report_name"], "qualiopi_reclamation.report_indicator31"
        )
        with self.assertRaises(AccessError):
            self.c1.with_user(self.user_auditor).write({"name": "changed"})
        with self.assertRaises(AccessError):
            self.action.with_user(self.user_auditor).write({"name": "changed"})
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company)
        with self.assertRaises(AccessError):
            procedure.with_user(self.user_auditor).write({"introduction": "<p>x</p>"})
        with self.assertRaises(AccessError):
            self.env["qualiopi.annual.review"].with_user(self.user_auditor).create({"year": 2025})

    def test_dashboard_statistics(self):
        stats = self.env["qualiopi.indicator31.stat"].search(
            [("ticket_id", "in", self.period_tickets.ids)]
        )
        self.assertEqual(len(stats), 5)
        [(count, founded)] = self.env["qualiopi.indicator31.stat"]._read_group(
            [("ticket_id", "in", self.period_tickets.ids)],
            [],
            ["record_count:sum", "founded_pct:avg"],
        )
        self.assertEqual(count, 5)
        self.assertAlmostEqual(founded, 200 / 3, places=3)
        # Per month, as the dashboard's graph and pivot open: the on-time
        # rates of the acknowledgement and the answer, open and late now,
        # the same as the report's figures.
        self.d1.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        [(month, ack, response, open_now, overdue)] = self.env[
            "qualiopi.indicator31.stat"
        ]._read_group(
            [("ticket_id", "in", self.period_tickets.ids)],
            ["received_date:month"],
            [
                "ack_on_time_pct:avg",
                "response_on_time_pct:avg",
                "open_count:sum",
                "overdue_count:sum",
            ],
        )
        self.assertEqual(month.strftime("%Y-%m"), "2026-03")
        figures = self._wizard()._qualiopi_figures()
        self.assertAlmostEqual(ack, figures["ack"]["share_on_time"], places=1)
        self.assertAlmostEqual(response, figures["response"]["share_on_time"], places=1)
        self.assertEqual((open_now, overdue), (4, 1))
        self.assertEqual((figures["open_now"], figures["overdue_now"]), (4, 1))
        # The dashboard opens on the rates per month; the records by nature,
        # cause and session have their own graph and pivot.
        action = self.env.ref("qualiopi_reclamation.action_qualiopi_indicator31_stat")
        graph = self.env["qualiopi.indicator31.stat"].get_views([(False, "graph")])
        arch = graph["views"]["graph"]["arch"]
        self.assertIn('type="line"', arch)
        self.assertIn("response_on_time_pct", arch)
        self.assertEqual(action.view_mode, "graph,pivot,list")
        records = self.env.ref("qualiopi_reclamation.action_qualiopi_indicator31_stat_records")
        self.assertEqual(
            records.view_ids.mapped("view_id"),
            self.env.ref("qualiopi_reclamation.qualiopi_indicator31_stat_view_graph_records")
            | self.env.ref("qualiopi_reclamation.qualiopi_indicator31_stat_view_pivot_records")
            | self.env.ref("qualiopi_reclamation.qualiopi_indicator31_stat_view_list"),
        )
        # The auditor works for the first company only: the dashboard hides
        # the other company's records.
        Stat = self.env["qualiopi.indicator31.stat"].with_user(self.user_auditor)
        self.assertEqual(Stat.search_count([("ticket_id", "in", self.period_tickets.ids)]), 5)
        self.assertFalse(Stat.search([("ticket_id", "=", self.ticket_b.id)]))

    def test_procedure_versions(self):
        # The other company has no procedure yet (the demo data gives one to
        # the main company): it is created on first use, in version 1.
        Procedure = self.env["qualiopi.procedure"]
        self.assertFalse(Procedure.search([("company_id", "=", self.company_b.id)]))
        procedure = Procedure._qualiopi_for_company(self.company_b)
        self.assertEqual(procedure.version, 1)
        # Created by OdooBot (this test's user, as at installation): its author
        # is a person, the administrator when the company has no Qualiopi
        # manager yet.
        self.assertEqual(self.env.uid, SUPERUSER_ID)
        self.assertEqual(procedure.version_user_id, self.env.ref("base.user_admin"))
        self.assertEqual(Procedure._qualiopi_for_company(self.company_b), procedure)
        first_text = procedure.introduction
        # A manager of that company edits it.
        self.user_manager.company_ids = [Command.link(self.company_b.id)]
        procedure.with_user(self.user_manager).with_company(self.company_b).write(
            {"introduction": "<p>Nouvelle procédure</p>", "change_note": "Délais revus"}
        )
        self.assertEqual(procedure.version, 2)
        self.assertEqual(procedure.version_user_id, self.user_manager)
        self.assertEqual(procedure.change_note, "Délais revus")
        self.assertEqual(len(procedure.version_ids), 1)
        self.assertEqual(procedure.version_ids.version, 1)
        self.assertEqual(procedure.version_ids.introduction, first_text)
        # Writing the same text again makes no version.
        procedure.write({"introduction": "<p>Nouvelle procédure</p>"})
        self.assertEqual(procedure.version, 2)
        html = self._html(self._wizard(company_id=self.company_b.id))
        self.assertIn("Nouvelle procédure", html)
        self.assertIn("Versions of the procedure", html)
        public = (
            self.env["ir.actions.report"]
            ._render_qweb_html("qualiopi_reclamation.report_qualiopi_procedure", procedure.ids)[0]
            .decode()
        )
        self.assertIn("within <strong>2</strong> business days", public)

    def test_procedure_author_is_a_person(self):
        """A procedure first shown to a visitor (the public page creates it) is
        authored by the company's Qualiopi manager, not by the public user."""
        company = self.env["res.company"].create({"name": "Organisme C"})
        self.user_manager.company_ids = [Command.link(company.id)]
        public = self.env.ref("base.public_user")
        procedure = self.env["qualiopi.procedure"].with_user(public)._qualiopi_for_company(company)
        self.assertEqual(procedure.version_user_id, self.user_manager)
        self.assertIn(
            f"by {self.user_manager.name}", self._html(self._wizard(company_id=company.id))
        )

    def test_annual_review_approval(self):
        # The demo data's review of that year (draft or approved) is not this test's.
        demo = self.env["qualiopi.annual.review"].search(
            [("company_id", "=", self.company.id), ("year", "=", 2026)]
        )
        demo.sudo().write({"state": "draft"})
        demo.unlink()
        Review = self.env["qualiopi.annual.review"].with_user(self.user_qualiopi)
        review = Review.create({"year": 2026})
        self.assertEqual(review.name, f"Annual review 2026 - {self.company.name}")
        with self.assertRaises(UserError):
            review.with_user(self.user_manager).action_approve()  # no figures yet
        review.action_compute_figures()
        # The whole year: the 5 records of March plus February and April, and
        # whatever else the database holds for 2026 (demo data).
        others = self.env["helpdesk.ticket"].search_count(
            [
                ("qualiopi_nature", "!=", False),
                ("company_id", "=", self.company.id),
                ("received_date", ">=", "2025-12-31 23:00:00"),
                ("received_date", "<", "2026-12-31 23:00:00"),
                ("id", "not in", (self.period_tickets | self.before | self.after).ids),
            ]
        )
        self.assertEqual(review.record_count, 7 + others)
        self.assertEqual(review.figures["total"], 7 + others)
        self.assertEqual(review.figures["date_from"], "2026-01-01")
        self.assertIn("Key figure", review.figures_html)
        with self.assertRaises(UserError):
            review.with_user(self.user_manager).action_approve()  # no analysis
        review.analysis = "<p>Délais d'accusé de réception à améliorer.</p>"
        with self.assertRaises(AccessError):
            review.action_approve()  # a user is not a manager
        review.with_user(self.user_manager).action_approve()
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.approver_id, self.user_manager)
        self.assertEqual(review.approval_date, datetime.date(2026, 4, 30))
        with self.assertRaises(UserError):
            review.write({"analysis": "<p>Réécrit</p>"})
        with self.assertRaises(UserError):
            review.action_compute_figures()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("qualiopi_reclamation.report_qualiopi_annual_review", review.ids)[0]
            .decode()
        )
        self.assertIn("Approved by <strong>Manon Manager</strong>", html)
        self.assertIn("Délais d'accusé de réception", html)

    def test_wizard_form_summary(self):
        form = Form(self.env["qualiopi.indicator31.report"])
        form.date_from = datetime.date(2026, 3, 1)
        form.date_to = datetime.date(2026, 3, 31)
        self.assertIn("Records in the period", form.summary_html)
        self.assertIn("33.3 %", form.summary_html)
        # In French, numbers as the French write them.
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.env["qualiopi.indicator31.report"].with_context(lang="fr_FR")
        wizard = french.create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        self.assertIn("33,3 %", wizard.summary_html)
        self.assertNotIn("33.3", wizard.summary_html)

    def test_procedure_lists_ways_in_and_qualiopi_teams(self):
        """The procedure lists the channels a stakeholder can use ("Other" is
        the helpdesk's catch-all, not one of them) and only the teams that
        handle Qualiopi records."""
        Team = self.env["helpdesk.ticket.team"]
        sales = Team.create({"name": "Équipe commerciale", "company_id": self.company.id})
        quality = Team.create({"name": "Équipe qualité", "company_id": self.company.id})
        self._create_complaint(team_id=quality.id)
        data = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company)
        data = data._qualiopi_procedure_data()
        teams = [team["name"] for team in data["teams"]]
        self.assertIn("Équipe qualité", teams)
        self.assertNotIn(sales.name, teams)
        channels = [channel["name"] for channel in data["channels"]]
        self.assertIn(self.channel_phone.name, channels)
        self.assertNotIn(self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_other").name, channels)


@tagged("post_install", "-at_install")
class TestIndicator31Pdf(Indicator31Common, HttpCase):
    """The real wkhtmltopdf: it fetches the report's assets from the test HTTP
    server, which only an HttpCase serves with the test's transaction."""

    def test_pdf_with_wkhtmltopdf(self):
        wizard = self._wizard(event_ids=[Command.set((self.event | self.event2).ids)])
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("qualiopi_reclamation.report_indicator31", wizard.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for ticket in self.period_tickets:
            self.assertIn(ticket.number, text)
        self.assertNotIn(self.before.number, text.split("Register of the period")[1])
        for expected in (
            "The procedure as applied",
            "Figures for the period",
            "Register of the period",
            "Sampled sessions",
            "Improvement actions (indicator 32)",
            self.action.reference,
            self.event2.name,
            "33.3 %",
            "Formateur remplacé",
        ):
            self.assertIn(expected, text)
        # Every page is stamped: Debian's wkhtmltopdf ignores footers.
        pages = text.split("\f")[:-1]
        self.assertGreater(len(pages), 1)
        for number, page in enumerate(pages, start=1):
            self.assertIn(f"Page {number} / {len(pages)}", page)
            self.assertIn(f"{self.company.name} — indicator 31 audit report", page)
            self.assertIn("generated on", page)


@tagged("post_install", "-at_install")
class TestIndicator31Http(Indicator31Common, HttpCase, QualiopiRpcMixin):
    """The report's company check holds for a client: a user of the first
    company only cannot have the other company's report printed, over
    JSON-RPC nor by the report routes of the Print menu."""

    def test_other_company_refused(self):
        # The form offers only the user's companies; a client can still send another.
        reply = self._call_kw(
            self.user_auditor,
            "qualiopi.indicator31.report",
            "create",
            [{"date_from": "2026-03-01", "date_to": "2026-03-31", "company_id": self.company_b.id}],
        )
        wizard_b = self.env["qualiopi.indicator31.report"].browse(reply["result"])
        for method in ("action_print_pdf", "action_export_xlsx", "_qualiopi_figures"):
            reply = self._call_kw(self.user_auditor, wizard_b._name, method, [wizard_b.ids])
            self.assertIn("error", reply, method)
            if not method.startswith("_"):
                self.assertEqual(
                    reply["error"]["data"]["name"], "odoo.exceptions.AccessError", method
                )
        self.authenticate(self.user_auditor.login, self.user_auditor.login)
        for url in (
            f"/report/html/qualiopi_reclamation.report_indicator31/{wizard_b.id}",
            f"/report/pdf/qualiopi_reclamation.report_indicator31/{wizard_b.id}",
            f"/report/xlsx/qualiopi_reclamation.report_indicator31_xlsx/{wizard_b.id}",
        ):
            response = self.url_open(url)
            self.assertNotEqual(response.status_code, 200, url)
            self.assertNotIn(self.ticket_b.number.encode(), response.content, url)
        # The same user prints their own company's report by the same routes:
        # the register's rows, read by a cursor of their own on the request's
        # connection, are the test transaction's.
        wizard = self._wizard(user=self.user_auditor)
        response = self.url_open(
            f"/report/html/qualiopi_reclamation.report_indicator31/{wizard.id}"
        )
        self.assertEqual(response.status_code, 200)
        register = response.text.split('name="register"')[1].split("</tbody>")[0]
        self.assertEqual(register.count("<tr><td>"), 5)
        for ticket in self.period_tickets:
            self.assertIn(f"<td>{ticket.number}</td>", register)
        response = self.url_open(
            f"/report/xlsx/qualiopi_reclamation.report_indicator31_xlsx/{wizard.id}"
        )
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(book["Figures"]["B6"].value, 5)
