import io

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestMediationReport(MediationCommon):
    """The audit report shows the mediator, the information given and the
    referrals of the period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_mediator()
        with freeze_time("2026-03-02 09:00:00"):
            cls.informed = cls.env["helpdesk.ticket"].create(cls._complaint_values(name="c1"))
            cls.env["helpdesk.ticket"]._cron_qualiopi_acknowledge()
        with freeze_time("2026-03-03 09:00:00"):
            cls.not_informed = (
                cls.env["helpdesk.ticket"]
                .with_context(qualiopi_no_auto_ack=True)
                .create(cls._complaint_values(name="c2"))
            )
        with freeze_time("2026-03-20 09:00:00"):
            cls.referral = cls.env["qualiopi.mediation.referral"].create(
                {
                    "ticket_id": cls.informed.id,
                    "mediator_id": cls.mediator.id,
                    "mediator_reference": "MC-REPORT-1",
                }
            )
            cls.env.flush_all()

    def _wizard(self, **values):
        return self.env["qualiopi.indicator31.report"].create(
            {
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
                "company_id": self.company.id,
                **values,
            }
        )

    def _html(self, wizard):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
            .decode()
        )

    def _workbook(self, wizard):
        content, _report_type = self.env["ir.actions.report"]._render_xlsx(
            "qualiopi_reclamation.report_indicator31_xlsx", wizard.ids, None
        )
        return openpyxl.load_workbook(io.BytesIO(content))

    @freeze_time("2026-04-30 10:00:00")
    def test_figures_and_sections(self):
        self.assertTrue(self.informed.mediation_informed_date)
        wizard = self._wizard(event_ids=[(6, 0, self.event.ids)])
        mediation = wizard._qualiopi_figures()["mediation"]
        self.assertEqual(mediation["mediator"], self.mediator.name)
        self.assertEqual(mediation["informed"], 1)
        self.assertEqual(mediation["referrals"], 1)
        self.assertEqual(mediation["by_state"][0]["key"], "referred")
        self.assertEqual(mediation["late"], 0)
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        session = Report._qualiopi_session_data(wizard, self.event)
        self.assertEqual(session["mediations"], self.referral)
        # Each complaint of the session says whether and when its complainant
        # was told about the mediator, and by which message.
        notes = {record["ticket"]: record["notes"] for record in session["records"]}
        fmt = Report._qualiopi_dt_formatter(wizard)
        self.assertEqual(
            notes[self.informed],
            [
                f"Told about the mediator on {fmt(self.informed.mediation_informed_date)}"
                f" (message #{self.informed.mediation_informed_message_id.id})"
            ],
        )
        self.assertEqual(notes[self.not_informed], ["Not told about the mediator yet"])
        procedure = Report._qualiopi_procedure_data(wizard)
        self.assertEqual(procedure["mediator"], self.mediator)
        # Its sections reach the report through the generic hook, at each place.
        sections = Report._qualiopi_sections(wizard)
        for place in ("procedure", "figures", "session"):
            self.assertIn(
                {
                    "name": "mediation",
                    "template": f"qualiopi_mediation.indicator31_section_{place}",
                },
                sections[place],
            )
        html = self._html(wizard)
        self.assertEqual(html.count('name="mediation"'), 3)
        self.assertIn("Referrals to the mediator", html)
        self.assertIn(self.mediator.website, html)
        self.assertIn("within one year", html)
        self.assertIn(self.referral.name, html)
        self.assertIn("Not told about the mediator yet", html)

    @freeze_time("2026-04-30 10:00:00")
    def test_no_mediator_stated(self):
        self.company.qualiopi_mediator_id = False
        self.assertIn("No consumer mediator is set", self._html(self._wizard()))

    @freeze_time("2026-04-30 10:00:00")
    def test_xlsx_mediation_sheet(self):
        book = self._workbook(self._wizard())
        self.assertIn("Mediation", book.sheetnames)
        rows = list(book["Mediation"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("Reference", "Complaint"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], self.referral.name)
        self.assertEqual(rows[1][1], self.informed.number)
        self.assertEqual(rows[1][4], "MC-REPORT-1")
        self.assertEqual(rows[1][8].date().isoformat(), "2026-03-20")
        self.assertEqual(rows[1][10], "Referred")
        # The register's sheet says when each complainant was told about the
        # mediator (in the company's time zone, as every date of the workbook).
        register = list(book["Register"].iter_rows(values_only=True))
        column = register[0].index("Told about the mediator on")
        told = {row[1]: row[column] for row in register[1:]}
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        lines = {line["number"]: line for line in Report._qualiopi_register_lines(self._wizard())}
        self.assertEqual(
            lines[self.informed.number]["mediation_informed_date"],
            self.informed.mediation_informed_date,
        )
        self.assertTrue(told[self.informed.number])
        self.assertIsNone(told[self.not_informed.number])
        # No referral in the period: no sheet.
        empty = self._wizard(date_from="2025-01-01", date_to="2025-01-31")
        book = self._workbook(empty)
        self.assertNotIn("Mediation", book.sheetnames)
