import datetime
import io

import openpyxl
from freezegun import freeze_time
from markupsafe import escape

from odoo.tests import tagged

from .common import SESSION_END, QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestReport(QualiopiSurveyCommon):
    def test_audit_report_survey_sections(self):
        with freeze_time(SESSION_END + datetime.timedelta(hours=1)), self.mock_mail_gateway():
            answers = self.session._qualiopi_send("hot")
            hot = answers.filtered(lambda a: a.survey_id == self.survey_hot)
            self._answer_hot(hot[0], 2, recommend="No")
            self._answer_hot(hot[1], 9)
        wizard = (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_manager)
            .create(
                {
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "event_ids": [(6, 0, self.session.ids)],
                }
            )
        )
        figures = wizard._qualiopi_figures()["surveys"]
        hot_row = next(row for row in figures["rows"] if row["purpose"] == "hot")
        self.assertEqual(hot_row["invited"], 3)
        self.assertEqual(hot_row["answered"], 2)
        self.assertEqual(hot_row["low"], 1)
        self.assertEqual(hot_row["difficulties"], 1)
        self.assertEqual({row["purpose"] for row in figures["rows"]}, {"hot", "client", "trainer"})
        # Over the attendees: the one without an email was not invited, and
        # is listed with the reason.
        attendance = figures["attendance"]
        self.assertEqual(
            (attendance["attendees"], attendance["invited"], attendance["answered"]), (4, 3, 2)
        )
        self.assertEqual(attendance["rate"], 50.0)
        self.assertEqual(
            attendance["not_invited"],
            [
                {
                    "name": self.reg_no_email.name,
                    "session": self.session.name,
                    "reason": "no email address",
                }
            ],
        )
        self.assertEqual(attendance["not_invited_count"], 1)
        self.assertEqual(
            attendance["not_invited_by_reason"], [{"reason": "no email address", "count": 1}]
        )
        self.assertIsNone(figures["complaint_handling"])
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        session_data = Report._qualiopi_session_data(wizard, self.session)
        self.assertEqual(session_data["surveys"]["attendance"], attendance)
        sections = self.env["report.qualiopi_reclamation.report_indicator31"]._qualiopi_sections(
            wizard
        )
        for place in ("procedure", "figures", "session"):
            self.assertIn(
                {"name": "surveys", "template": f"qualiopi_survey.indicator31_section_{place}"},
                sections[place],
            )
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
            .decode()
        )
        # Its three sections, through the generic hook (procedure, figures, session).
        self.assertEqual(html.count('name="surveys"'), 3)
        for expected in (
            "Satisfaction surveys (invitations sent in the period)",
            f"Low answer: {hot[0].partner_id.name}",
            f"difficulty {hot[0].qualiopi_difficulty_id.number}",
            "is closed, its complainant is invited",
            "2</strong> answered out of <strong>4</strong> attendees (50.0 %)",
            f"{self.reg_no_email.name} ({escape(self.session.name)}): no email address",
            "no complainant was invited to the complaint-handling survey",
        ):
            self.assertTrue(expected in html, f"{expected!r} missing from the report")

    def test_attendees_not_invited_counted_by_reason_and_a_few_named(self):
        """A year of sessions has thousands of attendees: the report counts
        those not invited by reason and names the first ones only."""
        self.env["event.registration"].create(
            [
                {"event_id": self.session.id, "name": f"Sans email {i:02d}", "state": "open"}
                for i in range(25)
            ]
        )
        with freeze_time(SESSION_END + datetime.timedelta(hours=1)), self.mock_mail_gateway():
            self.session._qualiopi_send("hot")
        late = self.env["event.registration"].create(
            {
                "event_id": self.session.id,
                "name": "Inscrite après l'envoi",
                "email": "tardive@example.com",
                "state": "open",
            }
        )
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        attendance = Report._qualiopi_attendance(self.session)
        self.assertEqual(attendance["invited"], 3)
        self.assertEqual(attendance["not_invited_count"], 27)
        self.assertEqual(
            attendance["not_invited_by_reason"],
            [
                {"reason": "no email address", "count": 26},
                {"reason": "registered after the survey was sent", "count": 1},
            ],
        )
        self.assertEqual(len(attendance["not_invited"]), 20, "the first ones named")
        self.assertNotIn(late.name, [person["name"] for person in attendance["not_invited"]])

    def test_xlsx_survey_sheet(self):
        with freeze_time(SESSION_END + datetime.timedelta(hours=1)), self.mock_mail_gateway():
            answers = self.session._qualiopi_send("hot")
            self._answer_hot(answers.filtered(lambda a: a.survey_id == self.survey_hot)[0], 3)
        wizard = (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_manager)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        content, _report_type = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render_xlsx("qualiopi_reclamation.report_indicator31_xlsx", wizard.ids, None)
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        rows = list(book["Surveys"].iter_rows(min_row=2, values_only=True))
        mine = [row for row in rows if row[3] == self.session.name]
        self.assertEqual(len(mine), len(answers))
        scored = [row for row in mine if row[11] not in ("", None)]
        self.assertEqual(len(scored), 1)
        self.assertTrue(scored[0][12], "the low answer names its difficulty")

    def test_empty_period_shows_surveys_sent(self):
        """A period with no complaint shows the process live with facts dated
        in it: the survey invitations sent, with the last one's date."""
        with freeze_time(SESSION_END + datetime.timedelta(hours=1)), self.mock_mail_gateway():
            answers = self.session._qualiopi_send("hot")
            self._answer_hot(answers.filtered(lambda a: a.survey_id == self.survey_hot)[0], 8)
        wizard = self.env["qualiopi.indicator31.report"].create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31", "company_id": self.company.id}
        )
        figures = wizard._qualiopi_figures()
        self.assertEqual(figures["complaint_count"], 0)
        fmt = self.env["report.qualiopi_reclamation.report_indicator31"]._qualiopi_dt_formatter(
            wizard
        )
        fact = (
            f"{len(answers)} satisfaction survey invitation(s) sent in the period, the last on "
            f"{fmt(max(answers.mapped('qualiopi_invitation_date')))}; 1 answered."
        )
        self.assertIn(fact, figures["process_live"]["facts"])
        html = wizard.summary_html
        self.assertIn("No complaint was received", html)
        self.assertIn(fact, html)
        # A period without any invitation says so, rather than nothing.
        wizard.write({"date_from": "2026-05-01", "date_to": "2026-05-31"})
        self.assertIn(
            "No satisfaction survey invitation was sent in the period.",
            wizard._qualiopi_figures()["process_live"]["facts"],
        )
