"""The quality risks in the audit report (PDF and workbook) and the annual
review: assessed risks tabled, proposals counted."""

import datetime
import io

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .test_risk import RiskCommon


@tagged("post_install", "-at_install")
class TestRiskInReports(RiskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hazard = cls._hazard_cls(cls.cause_room)
        cls.risk = cls.hazard.qualiopi_risk_ids
        cls.risk.write(
            {
                "name": "Salles fermées sans solution de repli",
                "treatment": "Une salle de repli réservée par site.",
                "review_date": "2026-06-30",
            }
        )
        # Assessed: a proposal is only counted by the reports (below).
        cls.risk.action_accept()
        # Recorded in 2025: one closed before the period (not in its
        # report), one still open (in it, though linked to no record).
        Risk = cls.env["qualiopi.risk"]
        cls.old_risk = Risk.create({"name": "Risque clos en 2025"})
        cls.old_risk.action_close()
        cls.old_risk.closed_date = "2025-06-30"
        cls.open_risk = Risk.create({"name": "Risque ouvert depuis 2025"})
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE qualiopi_risk SET create_date = '2025-01-15 09:00:00' WHERE id IN %s",
            [(cls.old_risk | cls.open_risk)._ids],
        )
        cls.env.invalidate_all()

    @classmethod
    def _hazard_cls(cls, cause):
        return cls.env["helpdesk.ticket"].create(
            cls._complaint_values(
                name="Salle fermée",
                qualiopi_nature="hazard",
                stakeholder_type="staff",
                qualiopi_cause_category_id=cause.id,
                received_date=datetime.datetime(2026, 3, 2, 9, 0),
            )
        )

    def _wizard(self, **values):
        return (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_auditor)
            .create(
                {
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "company_id": self.company.id,
                    **values,
                }
            )
        )

    def _html(self, report, ids, user=None):
        Report = self.env["ir.actions.report"].with_user(user or self.user_auditor)
        return Report._render_qweb_html(report, ids)[0].decode()

    @freeze_time("2026-12-02 10:00:00")
    def test_report_improvement_section_shows_the_risk(self):
        wizard = self._wizard()
        html = self._html("qualiopi_reclamation.report_indicator31", wizard.ids)
        improvement = html.split('name="improvement_actions"')[1]
        self.assertIn("Quality risk analysis (indicator 32)", improvement)
        self.assertIn("Salles fermées sans solution de repli", improvement)
        self.assertIn("Une salle de repli réservée par site.", improvement)
        self.assertIn(self.hazard.number, improvement)
        self.assertIn("2 × 2", improvement)
        self.assertNotIn("Risque clos en 2025", html)
        self.assertIn("Risque ouvert depuis 2025", improvement)
        # A sample narrows the risks to those of its records.
        other = self.env["event.event"].create(
            {
                "name": "Autre session",
                "date_begin": "2026-03-09 08:00:00",
                "date_end": "2026-03-10 16:00:00",
            }
        )
        sampled = self._wizard(event_ids=[Command.set(other.ids)])
        figures = sampled._qualiopi_figures()
        self.assertEqual(figures["risks"], [])

    @freeze_time("2026-12-02 10:00:00")
    def test_report_counts_the_proposals_not_assessed(self):
        """A risk the register proposed and nobody assessed has the default
        likelihood and impact: the report counts and names it after the
        table, never prints it as a level; the workbook lists it."""
        proposal = self._hazard(self.cause_slides, day=9).qualiopi_risk_ids
        self.assertEqual(proposal.state, "proposed")
        figures = self._wizard()._qualiopi_figures()
        self.assertNotIn(proposal.name, [row["name"] for row in figures["risks"]])
        self.assertEqual(figures["risk_proposals"], {"count": 1, "names": proposal.name})
        html = self._html("qualiopi_reclamation.report_indicator31", self._wizard().ids)
        improvement = html.split('name="improvement_actions"')[1]
        table = improvement.split('name="risk_table"')[1].split("</table>")[0]
        self.assertNotIn(proposal.name, table)
        self.assertIn(
            f"Proposed by the register and not assessed yet (likelihood and impact not"
            f" judged): 1 ({proposal.name})",
            improvement,
        )
        # Many proposals: the first named, the rest counted.
        more = self.env["qualiopi.risk"].create(
            [
                {
                    "name": f"Proposition {i}",
                    "state": "proposed",
                    "ticket_ids": proposal.ticket_ids.ids,
                }
                for i in range(12)
            ]
        )
        summary = self._wizard()._qualiopi_figures()["risk_proposals"]
        self.assertEqual(summary["count"], 13)
        self.assertTrue(summary["names"].startswith(f"{proposal.name}, Proposition 0, "))
        self.assertTrue(summary["names"].endswith("Proposition 8 and 3 more"))
        self.assertNotIn(more[-1].name, summary["names"])

    def test_workbook_has_a_risk_sheet(self):
        content, _format = (
            self.env["ir.actions.report"]
            .with_user(self.user_auditor)
            ._render_xlsx("qualiopi_reclamation.report_indicator31_xlsx", self._wizard().ids, None)
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Quality risks"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:5], ("Risk", "Cause", "Likelihood", "Impact", "Level"))
        by_name = {row[0]: row for row in rows[1:]}
        self.assertEqual(
            set(by_name), {"Salles fermées sans solution de repli", "Risque ouvert depuis 2025"}
        )
        row = by_name["Salles fermées sans solution de repli"]
        self.assertEqual(row[4], 4)
        self.assertEqual(row[10], self.hazard.number)

    @freeze_time("2026-06-02 10:00:00")
    def test_report_under_the_2021_standard(self):
        """Before the 2026 version, the risk table is printed without the
        number of an indicator that did not exist."""
        html = self._html("qualiopi_reclamation.report_indicator31", self._wizard().ids)
        self.assertIn("Quality risk analysis</h4>", html)
        self.assertNotIn("Quality risk analysis (indicator", html)
        self.assertIn("Salles fermées sans solution de repli", html)

    @freeze_time("2026-12-02 10:00:00")
    def test_annual_review_shows_the_risk(self):
        Review = self.env["qualiopi.annual.review"]
        Review.search([("company_id", "=", self.company.id), ("year", "=", 2026)]).sudo().write(
            {"state": "draft"}
        )
        Review.search([("company_id", "=", self.company.id), ("year", "=", 2026)]).unlink()
        review = Review.with_user(self.user_qualiopi).create({"year": 2026})
        review.action_compute_figures()
        names = [row["name"] for row in review.figures["risks"]]
        self.assertIn("Salles fermées sans solution de repli", names)
        self.assertNotIn("Risque clos en 2025", names)
        # The snapshot is frozen: a later change of the risk is not the review's.
        self.risk.name = "Renommé après le calcul"
        html = self._html("qualiopi_reclamation.report_qualiopi_annual_review", review.ids)
        self.assertIn("Quality risks", html)
        self.assertIn("Salles fermées sans solution de repli", html)
        self.assertNotIn("Renommé après le calcul", html)
