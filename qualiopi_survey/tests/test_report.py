import datetime

from freezegun import freeze_time

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
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
            .decode()
        )
        for expected in (
            "Satisfaction surveys (invitations sent in the period)",
            f"Low answer: {hot[0].partner_id.name}",
            f"difficulty {hot[0].qualiopi_difficulty_id.number}",
            "is closed, its complainant is invited",
        ):
            self.assertTrue(expected in html, f"{expected!r} missing from the report")

    def test_xlsx_survey_sheet(self):
        with freeze_time(SESSION_END + datetime.timedelta(hours=1)), self.mock_mail_gateway():
            answers = self.session._qualiopi_send("hot")
            self._answer_hot(answers.filtered(lambda a: a.survey_id == self.survey_hot)[0], 3)
        wizard = (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_manager)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        sheets = {name: (header, rows) for name, header, rows in wizard._qualiopi_xlsx_sheets()}
        header, rows = sheets["Surveys"]
        mine = [row for row in rows if row[3] == self.session.name]
        self.assertEqual(len(mine), len(answers))
        scored = [row for row in mine if row[11] != ""]
        self.assertEqual(len(scored), 1)
        self.assertTrue(scored[0][12], "the low answer names its difficulty")
