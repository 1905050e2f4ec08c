from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import QualiopiCommon


class DeadlineCronCommon(QualiopiCommon):
    """No automatic acknowledgement, and the deadline activities of tickets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_auto_ack = False
        cls.activity_type = cls.env.ref("qualiopi_reclamation.mail_activity_type_qualiopi_deadline")

    def _activities(self, tickets):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )


@tagged("post_install", "-at_install")
class TestDeadlineCron(DeadlineCronCommon):
    def _run_cron(self):
        self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
        self.env.flush_all()

    def test_reminders_late_flag_and_escalation_once(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint(user_id=self.user_qualiopi.id)
            unassigned = self._create_complaint(user_id=False)
            self._run_cron()
        self.assertFalse(self._activities(ticket | unassigned))

        # Wednesday morning: the acknowledgement is due today.
        with freeze_time("2026-03-04 08:00:00"):
            self._run_cron()
            self._run_cron()
        reminders = self._activities(ticket)
        self.assertEqual(reminders.mapped("summary"), ["Acknowledgement due"])
        self.assertEqual(reminders.user_id, self.user_qualiopi)
        self.assertEqual(str(reminders.date_deadline), "2026-03-04")
        self.assertFalse(ticket.is_overdue)
        # Without an assigned user, the team leader is responsible.
        self.assertEqual(self._activities(unassigned).user_id, self.user_manager)

        # Thursday: late.
        with freeze_time("2026-03-05 09:00:00"):
            self._run_cron()
            self.assertTrue(ticket.is_overdue)
            self.assertEqual(
                sorted(self._activities(ticket).mapped("summary")),
                ["Acknowledgement due", "Acknowledgement overdue"],
            )
            # Nothing new however often it runs.
            self._run_cron()
            self._run_cron()
        self.assertEqual(len(self._activities(ticket)), 2)

        # Acknowledging clears the flag; the answer deadline then passes.
        with freeze_time("2026-03-05 10:00:00"):
            ticket.write({"ack_date": "2026-03-05 10:00:00", "ack_method": "letter"})
            self.assertFalse(ticket.is_overdue)
        with freeze_time("2026-03-16 08:00:00"):
            self._run_cron()
            self.assertFalse(ticket.is_overdue)
        with freeze_time("2026-03-17 09:00:00"):
            self._run_cron()
            self._run_cron()
        self.assertTrue(ticket.is_overdue)
        self.assertEqual(
            sorted(self._activities(ticket).mapped("summary")),
            [
                "Acknowledgement due",
                "Acknowledgement overdue",
                "Answer due",
                "Answer overdue",
            ],
        )

    def test_closed_and_answered_records_are_not_late(self):
        with freeze_time("2026-03-03 12:00:00"):
            ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
            ticket.write(
                {
                    "ack_date": "2026-03-02 10:00:00",
                    "ack_method": "letter",
                }
            )
            self._record_answer(ticket, date="2026-03-03 10:00:00")
            ticket.stage_id = self.stage_done
        with freeze_time("2026-04-30 09:00:00"):
            self._run_cron()
        self.assertFalse(ticket.is_overdue)
        self.assertFalse(self._activities(ticket))

    def test_query_count_does_not_grow_with_untouched_records(self):
        with freeze_time("2026-03-02 09:00:00"):
            late = self._create_complaint()
        with freeze_time("2026-03-20 09:00:00"):
            settled = self.env["helpdesk.ticket"].create(
                [
                    self._complaint_values(
                        received_date="2026-03-20 08:00:00",
                    )
                    for _i in range(5)
                ]
            )
        with freeze_time("2026-03-20 09:00:00"):
            self._run_cron()
        self.assertTrue(late.is_overdue)

        def count_queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with freeze_time("2026-03-20 10:00:00"):
                self._run_cron()
            return self.cr.sql_log_count - before

        small = count_queries()
        # Ten times as many untouched records: not one more query.
        with freeze_time("2026-03-20 09:00:00"):
            self.env["helpdesk.ticket"].create(
                [self._complaint_values(received_date="2026-03-20 08:00:00") for _i in range(50)]
            )
        self.assertEqual(count_queries(), small)
        self.assertLessEqual(small, 12)
        self.assertFalse(self._activities(settled))


@tagged("post_install", "-at_install")
class TestDeadlineCronIsolation(DeadlineCronCommon):
    """One ticket that cannot be processed never stops the cron for the others."""

    def test_bad_ticket_keeps_its_error_and_the_others_go_on(self):
        with freeze_time("2026-03-02 09:00:00"):
            bad = self._create_complaint(name="Mauvais", user_id=self.user_qualiopi.id)
            good = self._create_complaint(name="Bon", user_id=self.user_qualiopi.id)
        Ticket = type(self.env["helpdesk.ticket"])
        responsible = Ticket._qualiopi_responsible_user

        def failing_for_bad(ticket):
            if ticket.id == bad.id:
                raise ValueError("no responsible user can be found")
            return responsible(ticket)

        with (
            freeze_time("2026-03-05 09:00:00"),
            patch.object(Ticket, "_qualiopi_responsible_user", failing_for_bad),
        ):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            self.env.flush_all()
        # Read from the database: what the cron's transaction would commit.
        self.env.invalidate_all()
        self.assertEqual(self._activities(good).mapped("summary"), ["Acknowledgement overdue"])
        self.assertTrue(good.ack_late_notified)
        self.assertFalse(good.qualiopi_cron_error)
        self.assertFalse(self._activities(bad))
        self.assertFalse(bad.ack_late_notified, "retried at the next run")
        self.assertIn("no responsible user can be found", bad.qualiopi_cron_error)

        # Fixed: the next run processes it and clears the error.
        with freeze_time("2026-03-05 10:00:00"):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self._activities(bad).mapped("summary"), ["Acknowledgement overdue"])
        self.assertFalse(bad.qualiopi_cron_error)
        self.assertEqual(len(self._activities(good)), 1, "never twice")
