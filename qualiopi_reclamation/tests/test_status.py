from freezegun import freeze_time

from odoo.tests import Form, tagged

from .test_cron import DeadlineCronCommon


@tagged("post_install", "-at_install")
class TestQualiopiStatus(DeadlineCronCommon):
    """The Qualiopi status follows the record and never contradicts its
    helpdesk stage: closed exactly in a closed stage."""

    def _run_cron(self):
        self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
        self.env.flush_all()

    def test_complaint_through_escalation_answer_closing_and_reopening(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint(user_id=self.user_qualiopi.id)
        self.assertEqual(ticket.qualiopi_status, "new")
        with freeze_time("2026-03-05 09:00:00"):
            self._run_cron()
            self.assertEqual(ticket.qualiopi_status, "escalated", "the acknowledgement is late")
            ticket.write({"ack_date": "2026-03-05 09:00:00", "ack_method": "letter"})
            self.assertEqual(ticket.qualiopi_status, "acknowledged")
            ticket.qualiopi_cause_category_id = self.cause_content
            self.assertEqual(ticket.qualiopi_status, "analysis")
        with freeze_time("2026-03-17 09:00:00"):
            self._run_cron()
            self.assertEqual(ticket.qualiopi_status, "escalated", "the answer is late")
            self._record_answer(ticket)
            self.assertEqual(ticket.qualiopi_status, "answered")
            ticket.stage_id = self.stage_done
            self.assertEqual(ticket.qualiopi_status, "closed")
        with freeze_time("2026-03-18 09:00:00"):
            ticket.stage_id = self.stage_new
            self.assertEqual(ticket.qualiopi_status, "reopened", "closed once, open again")
            ticket.stage_id = self.stage_done
            self.assertEqual(ticket.qualiopi_status, "closed")

    def test_status_and_stage_agree_in_every_stage(self):
        """Whatever the record's progress, a closed stage reads closed and an
        open stage never does, also in the form the user sees."""
        stages = self.env["helpdesk.ticket.stage"].search([])
        self.assertTrue(stages.filtered("closed") and stages.filtered(lambda s: not s.closed))
        hazard = self._create_complaint(
            qualiopi_nature="hazard",
            name="Salle indisponible",
            qualiopi_hazard_measure="Session déplacée en salle B.",
            qualiopi_hazard_informed_trainees=True,
            qualiopi_hazard_informed_date="2026-03-02 10:00:00",
        )
        complaint = self._create_complaint()
        complaint.write({"ack_date": complaint.received_date, "ack_method": "letter"})
        self._record_answer(complaint)
        for ticket in (hazard, complaint):
            for stage in stages:
                with self.subTest(ticket=ticket.qualiopi_nature, stage=stage.name):
                    ticket.stage_id = stage
                    self.assertEqual(ticket.qualiopi_status == "closed", stage.closed)
        form = Form(complaint)
        self.assertEqual(form.qualiopi_status, complaint.qualiopi_status)
