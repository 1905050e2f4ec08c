from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .test_cron import DeadlineCronCommon


@tagged("post_install", "-at_install")
class TestEscalation(DeadlineCronCommon):
    """The reminder goes to the assignee, the escalation up to the team leader
    (else a Qualiopi manager), each notified by Odoo and written in the
    recipient's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["qualiopi_reclamation"], ["fr_FR"], overwrite=True
        )
        # A French assignee who reads email, an English leader who reads email.
        cls.user_qualiopi.write({"lang": "fr_FR", "notification_type": "email"})
        cls.user_manager.write({"lang": "en_US", "notification_type": "email"})
        cls.director = new_test_user(
            cls.env,
            login="qualiopi_director",
            name="Diane Directrice",
            email="diane@example.com",
            lang="fr_FR",
            notification_type="inbox",
            groups="qualiopi_reclamation.group_qualiopi_manager",
        )

    def _run_cron(self):
        self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
        self.env.flush_all()

    def test_reminder_to_assignee_escalation_to_leader_each_in_their_language(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint(user_id=self.user_qualiopi.id)
        with freeze_time("2026-03-04 08:00:00"), self.mock_mail_gateway():
            self._run_cron()
        reminder = self._activities(ticket)
        self.assertEqual(reminder.user_id, self.user_qualiopi)
        self.assertEqual(reminder.summary, "Accusé de réception à faire")
        self.assertIn("Accusé de réception à faire pour", reminder.note)
        self.assertIn("04/03/2026", reminder.note, "the deadline in the French date format")
        to_assignee = self._new_mails.filtered(
            lambda m: self.user_qualiopi.partner_id in m.recipient_ids
        )
        self.assertEqual(len(to_assignee), 1, "Odoo's notice of the activity assigned")
        self.assertIn("Accusé de réception à faire", to_assignee.subject)
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.user_manager.partner_id in m.recipient_ids)
        )

        with freeze_time("2026-03-05 09:00:00"), self.mock_mail_gateway():
            self._run_cron()
            self._run_cron()
        escalation = self._activities(ticket) - reminder
        self.assertEqual(len(escalation), 1, "one escalation, never twice")
        self.assertEqual(escalation.user_id, self.user_manager, "the team leader")
        self.assertEqual(escalation.summary, "Acknowledgement overdue")
        self.assertIn("Escalated to you", escalation.note)
        self.assertIn(self.user_qualiopi.name, escalation.note)
        to_leader = self._new_mails.filtered(
            lambda m: self.user_manager.partner_id in m.recipient_ids
        )
        self.assertEqual(len(to_leader), 1)
        self.assertIn("Acknowledgement overdue", to_leader.subject)
        self.assertIn("assigned to you", to_leader.subject)
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.user_qualiopi.partner_id in m.recipient_ids),
            "the assignee is not notified again",
        )

    def test_leader_as_assignee_escalates_to_a_qualiopi_manager(self):
        """A leader who is the assignee, or who is responsible for want of an
        assignee, is escalated to a Qualiopi manager, here a French one."""
        # Only the director above the leader (the demo's managers left aside).
        self.env.ref("qualiopi_reclamation.group_qualiopi_manager").users.filtered(
            lambda u: u not in (self.user_manager | self.director)
        ).write({"active": False})
        with freeze_time("2026-03-02 09:00:00"):
            owned = self._create_complaint(user_id=self.user_manager.id)
            unassigned = self._create_complaint(user_id=False)
        with freeze_time("2026-03-05 09:00:00"):
            self._run_cron()
        for ticket in (owned, unassigned):
            with self.subTest(ticket=ticket.name):
                activities = self._activities(ticket)
                late = activities.filtered(lambda a: a.summary != "Acknowledgement due")
                self.assertEqual(activities.mapped("user_id"), self.director)
                self.assertEqual(late.summary, "Accusé de réception en retard")
                self.assertIn("Transmis à vous", late.note)
                self.assertIn(self.user_manager.name, late.note)
