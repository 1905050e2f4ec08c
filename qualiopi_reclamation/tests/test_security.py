import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import QualiopiCommon, QualiopiRpcMixin


@tagged("post_install", "-at_install")
class TestSecurity(QualiopiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_employee_plain = new_test_user(
            cls.env, login="plain_employee", groups="base.group_user"
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(cls._complaint_values())
        cls.env["helpdesk.ticket"]._cron_qualiopi_acknowledge()
        cls.action = cls.env["qualiopi.improvement.action"].create(
            {
                "name": "Revoir les supports",
                "ticket_ids": [Command.link(cls.ticket.id)],
                "date_deadline": "2026-12-31",
            }
        )

    def test_auditor_reads_everything_writes_nothing(self):
        ticket = self.ticket.with_user(self.user_auditor)
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(
            self.env["helpdesk.ticket"]
            .with_user(self.user_auditor)
            .search_count([("id", "=", self.ticket.id)]),
            1,
        )
        self.assertEqual(self.action.with_user(self.user_auditor).name, "Revoir les supports")
        # The sessions and registrations behind the records are evidence too.
        self.assertEqual(ticket.event_id.name, "Excel avancé - mars")
        self.assertEqual(self.registration.with_user(self.user_auditor).partner_id, self.trainee)
        with self.assertRaises(AccessError):
            self.event.with_user(self.user_auditor).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.registration.with_user(self.user_auditor).write({"state": "cancel"})
        with self.assertRaises(AccessError):
            ticket.write({"qualiopi_root_cause": "x"})
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket"].with_user(self.user_auditor).create(
                self._complaint_values()
            )
        with self.assertRaises(AccessError):
            ticket.unlink()
        with self.assertRaises(AccessError):
            self.action.with_user(self.user_auditor).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.env["qualiopi.improvement.action"].with_user(self.user_auditor).create(
                {"name": "x", "date_deadline": "2026-12-31"}
            )
        with self.assertRaises(AccessError):
            self.env["qualiopi.cause.category"].with_user(self.user_auditor).create({"name": "x"})

    def test_user_creates_and_writes_never_deletes(self):
        ticket = self._create_complaint(user=self.user_qualiopi)
        ticket.write({"qualiopi_root_cause": "Retard du formateur"})
        self.assertTrue(ticket.ack_date)
        with self.assertRaises(AccessError):
            ticket.unlink()
        action = (
            self.env["qualiopi.improvement.action"]
            .with_user(self.user_qualiopi)
            .create({"name": "Relancer les formateurs", "date_deadline": "2026-12-31"})
        )
        with self.assertRaises(AccessError):
            action.unlink()
        with self.assertRaises(AccessError):
            self.env["qualiopi.cause.category"].with_user(self.user_qualiopi).create({"name": "x"})
        # Archiving stays possible.
        ticket.active = False
        self.assertFalse(ticket.active)

    def test_acknowledged_record_never_deleted(self):
        ticket = self._create_complaint(user=self.user_manager)
        self.assertTrue(ticket.ack_date)
        with self.assertRaises(UserError):
            ticket.with_user(self.user_manager).unlink()
        # An unacknowledged one can be removed by a manager (entered by mistake).
        self.company.qualiopi_auto_ack = False
        draft = self._create_complaint(user=self.user_manager)
        draft.with_user(self.user_manager).unlink()
        self.assertFalse(draft.exists())

    def test_evidence_dates_locked_even_for_manager(self):
        ticket = self.ticket
        self.assertTrue(ticket.ack_date)
        for user in (self.user_qualiopi, self.user_manager):
            with self.assertRaises(AccessError):
                ticket.with_user(user).write({"ack_date": "2026-01-01 10:00:00"})
            with self.assertRaises(AccessError):
                ticket.with_user(user).write({"response_date": "2026-01-01 10:00:00"})
            with self.assertRaises(AccessError):
                ticket.with_user(user).write({"received_date": "2026-01-01 10:00:00"})
        # Writing the value it already has changes nothing and is accepted.
        ticket.with_user(self.user_qualiopi).write({"received_date": ticket.received_date})

    def test_evidence_changes_are_tracked(self):
        ticket = self.ticket
        wizard = (
            self.env["qualiopi.evidence.correction.wizard"]
            .with_user(self.user_manager)
            .create(
                {
                    "ticket_id": ticket.id,
                    "field_name": "received_date",
                    "new_date": ticket.received_date - datetime.timedelta(hours=1),
                    "reason": "Heure du courriel mal relevée",
                }
            )
        )
        wizard.action_confirm()
        self.flush_tracking()
        tracked_fields = ticket.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("received_date", tracked_fields)

    def test_plain_employee_sees_no_register(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.user_employee_plain)
        self.assertFalse(Ticket.search([("id", "=", self.ticket.id)]))
        with self.assertRaises(AccessError):
            self.action.with_user(self.user_employee_plain).read(["name"])

    def test_companies_isolated(self):
        other_company = self.env["res.company"].create({"name": "Autre OF"})
        other_ticket = self.env["helpdesk.ticket"].create(
            self._complaint_values(company_id=other_company.id, team_id=False, event_id=False)
        )
        other_action = self.env["qualiopi.improvement.action"].create(
            {"name": "Autre", "date_deadline": "2026-12-31", "company_id": other_company.id}
        )
        for user in (self.user_qualiopi, self.user_manager, self.user_auditor):
            Ticket = self.env["helpdesk.ticket"].with_user(user)
            self.assertFalse(Ticket.search([("id", "=", other_ticket.id)]))
            self.assertIn(self.ticket, Ticket.search([("qualiopi_nature", "!=", False)]))
            Action = self.env["qualiopi.improvement.action"].with_user(user)
            self.assertFalse(Action.search([("id", "=", other_action.id)]))
            with self.assertRaises(AccessError):
                other_ticket.with_user(user).read(["name"])

    def test_public_holidays_for_managers_only(self):
        with self.assertRaises(AccessError):
            self.env["qualiopi.public.holiday.wizard"].with_user(self.user_qualiopi).create(
                {"calendar_id": self.calendar.id, "year": 2026}
            )


@tagged("post_install", "-at_install")
class TestRefusalsOverRpc(HttpCase, QualiopiRpcMixin, QualiopiCommon):
    """Refusals checked as a client meets them: the request's transaction is
    rolled back by Odoo, then the record is read as it was left."""

    def test_acknowledged_record_never_deleted(self):
        ticket = self._create_complaint(user=self.user_manager)
        self.assertTrue(ticket.ack_date)
        self.assertRefusedOverRpc(
            UserError,
            "cannot be deleted",
            self.user_manager,
            "helpdesk.ticket",
            "unlink",
            [ticket.ids],
        )
        self.assertTrue(ticket.exists())

    def test_closing_complaint_without_answer_refused(self):
        ticket = self._create_complaint()
        self.assertRefusedOverRpc(
            ValidationError,
            "cannot be closed yet",
            self.user_qualiopi,
            "helpdesk.ticket",
            "write",
            [ticket.ids, {"stage_id": self.stage_done.id}],
        )
        self.assertFalse(ticket.stage_id.closed)
        self.assertFalse(ticket.closed_date)
