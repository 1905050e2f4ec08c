from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiRpcMixin

from .common import MediationCommon

REFERRAL = "qualiopi.mediation.referral"


@tagged("post_install", "-at_install")
class TestReferral(HttpCase, QualiopiRpcMixin, MediationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_mediator()
        cls.activity_type = cls.env.ref("qualiopi_mediation.mail_activity_type_mediation_outcome")

    def _refuse_create(self, exception, pattern, ticket, **values):
        """A referral refused to a manager creating it over RPC."""
        self.assertRefusedOverRpc(
            exception,
            pattern,
            self.user_manager,
            REFERRAL,
            "create",
            [{"ticket_id": ticket.id, "mediator_id": self.mediator.id, **values}],
        )

    def _activities(self, referral):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "qualiopi.mediation.referral"),
                ("res_id", "=", referral.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run_cron(self):
        self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
        self.env.flush_all()

    def test_refer_button_prefills_the_referral(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint()
        with freeze_time("2026-03-20 10:00:00"):
            action = ticket.with_user(self.user_manager).action_qualiopi_refer_to_mediation()
            self.assertEqual(action["res_model"], "qualiopi.mediation.referral")
            form = Form(
                self.env["qualiopi.mediation.referral"]
                .with_user(self.user_manager)
                .with_context(**action["context"])
            )
            self.assertEqual(form.ticket_id, ticket)
            self.assertEqual(form.mediator_id, self.mediator)
            self.assertEqual(str(form.referral_date), "2026-03-20")
            self.assertFalse(form.admissibility_warning)
            form.mediator_reference = "MC-2026-0042"
            referral = form.save()
        self.assertTrue(referral.name.startswith("MED/"))
        self.assertEqual(referral.state, "referred")
        self.assertEqual(str(referral.outcome_deadline), "2026-06-18")
        self.assertEqual(ticket.mediation_state, "referred")
        self.assertEqual(ticket.mediation_referral_count, 1)
        with freeze_time("2026-04-20 10:00:00"):
            referral.with_user(self.user_manager).action_agreement()
        self.assertEqual(referral.state, "agreement")
        self.assertEqual(str(referral.outcome_date), "2026-04-20")
        self.assertEqual(ticket.mediation_state, "agreement")

    def test_difficulty_cannot_be_referred(self):
        difficulty = self._create_complaint(qualiopi_nature="difficulty")
        with self.assertRaises(UserError):
            difficulty.with_user(self.user_manager).action_qualiopi_refer_to_mediation()
        self._refuse_create(ValidationError, "only a complaint", difficulty)
        self.assertFalse(
            self.env["qualiopi.mediation.referral"].search_count(
                [("ticket_id", "=", difficulty.id)]
            )
        )

    def test_admissibility_warning_without_acknowledged_written_complaint(self):
        self.company.qualiopi_auto_ack = False
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint()
        with freeze_time("2026-03-10 09:00:00"):
            referral = self._create_referral(ticket)
        self.assertTrue(referral.is_admissibility_doubtful)
        self.assertIn("No acknowledged written complaint", referral.admissibility_warning)
        # Acknowledged after the referral: still not before it.
        with freeze_time("2026-03-12 09:00:00"), self.mock_mail_gateway():
            ticket.action_qualiopi_acknowledge()
        self.assertTrue(referral.is_admissibility_doubtful)
        referral.referral_date = "2026-03-12"
        self.assertFalse(referral.is_admissibility_doubtful)
        self.assertFalse(referral.admissibility_warning)

    def test_admissibility_warning_one_year_on(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        self.assertTrue(ticket.ack_date)
        with freeze_time("2027-03-02 12:00:00"):
            on_time = self._create_referral(ticket)
            self.assertFalse(on_time.admissibility_warning, "one year to the day")
        with freeze_time("2027-03-03 09:00:00"):
            late = self._create_referral(ticket)
        self.assertTrue(late.is_admissibility_doubtful)
        self.assertIn("more than one year", late.admissibility_warning)
        self.assertIn("2026-03-02", late.admissibility_warning)

    def test_outcome_tracked_over_90_days(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        with freeze_time("2026-03-10 09:00:00"):
            referral = self._create_referral(ticket, user=self.user_manager)
        self.assertEqual(str(referral.outcome_deadline), "2026-06-08")
        self.assertEqual(str(referral.outcome_reminder_date), "2026-05-24")
        with freeze_time("2026-05-23 09:00:00"):
            self._run_cron()
        self.assertFalse(self._activities(referral), "too early for a reminder")
        with freeze_time("2026-05-24 09:00:00"):
            self._run_cron()
            self._run_cron()
        reminder = self._activities(referral)
        self.assertEqual(len(reminder), 1, "one reminder, never twice")
        self.assertEqual(reminder.summary, "Mediation outcome due")
        self.assertEqual(reminder.user_id, self.user_manager)
        self.assertEqual(str(reminder.date_deadline), "2026-06-08")
        self.assertFalse(referral.is_outcome_late)
        with freeze_time("2026-06-08 09:00:00"):
            self._run_cron()
        self.assertFalse(referral.is_outcome_late, "the deadline day is still on time")
        with freeze_time("2026-06-09 09:00:00"):
            self._run_cron()
            self._run_cron()
        self.assertTrue(referral.is_outcome_late)
        late = self._activities(referral) - reminder
        self.assertEqual(len(late), 1, "one escalation, never twice")
        self.assertEqual(late.summary, "Mediation outcome overdue")
        with freeze_time("2026-06-15 09:00:00"):
            referral.action_no_agreement()
        self.assertFalse(referral.is_outcome_late)
        self.assertEqual(str(referral.outcome_date), "2026-06-15")

    def test_one_activity_once_for_the_responsible_user(self):
        """The outcome is tracked by the register's deadline mixin: the same
        activities rule, the same responsible-user rule, the same escalation
        to the complaint's team leader, in the leader's language."""
        Referral = self.env["qualiopi.mediation.referral"]
        self.assertIn("qualiopi.deadline.mixin", Referral._inherit)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_reclamation", "qualiopi_mediation"], ["fr_FR"], overwrite=True
        )
        leader = new_test_user(
            self.env,
            login="mediation_leader",
            name="Louise Responsable",
            lang="fr_FR",
            notification_type="inbox",
            groups="qualiopi_reclamation.group_qualiopi_manager",
        )
        self.team.write({"user_id": leader.id, "user_ids": [Command.link(leader.id)]})
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            tickets = self._create_complaint(user_id=self.user_qualiopi.id)
            tickets |= self._create_complaint(user_id=self.user_qualiopi.id)
        with freeze_time("2026-03-10 09:00:00"):
            owned = self._create_referral(tickets[0], user=self.user_manager)
            # Its owner left: the complaint's assigned user takes it on.
            orphan = self._create_referral(tickets[1], user=self.user_manager)
            orphan.user_id = False
        self.assertEqual(owned._qualiopi_responsible_user(), self.user_manager)
        self.assertEqual(orphan._qualiopi_responsible_user(), self.user_qualiopi)
        # Already late on its first run: one escalation, no reminder after it.
        with freeze_time("2026-06-10 09:00:00"):
            Referral._cron_qualiopi_mediation_outcomes()
            Referral._cron_qualiopi_mediation_outcomes()
            self.env.flush_all()
            self.assertEqual(
                Referral.search(
                    [("id", "in", (owned | orphan).ids), *Referral._qualiopi_overdue_domain()]
                ),
                owned | orphan,
            )
        self.assertTrue(owned.is_outcome_late and orphan.is_outcome_late)
        for referral, responsible in ((owned, self.user_manager), (orphan, self.user_qualiopi)):
            activity = self._activities(referral)
            self.assertEqual(activity.user_id, leader, "escalated to the team leader")
            self.assertEqual(activity.summary, "Issue de la médiation en retard")
            self.assertIn("Transmis à vous", activity.note)
            self.assertIn(responsible.name, activity.note)
        self.assertTrue(owned.outcome_reminder_sent, "the reminder is moot once late")
        with freeze_time("2026-06-20 09:00:00"):
            Referral._cron_qualiopi_mediation_outcomes()
            self.env.flush_all()
        self.assertEqual(len(self._activities(owned) | self._activities(orphan)), 2, "never twice")

    def test_closed_referrals_are_not_tracked(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        with freeze_time("2026-03-10 09:00:00"):
            referral = self._create_referral(ticket)
            referral.action_withdrawn()
        with freeze_time("2026-07-01 09:00:00"):
            self._run_cron()
        self.assertFalse(referral.is_outcome_late)
        self.assertFalse(self._activities(referral))

    @freeze_time("2026-03-10 09:00:00")
    def test_referral_date_in_future_refused(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        self._refuse_create(ValidationError, "is in the future", ticket, referral_date="2026-03-11")
        self._refuse_create(
            ValidationError,
            "before the complaint was received",
            ticket,
            referral_date="2026-03-01",
        )
        self.assertFalse(ticket.mediation_referral_ids)
        self.assertFalse(ticket.mediation_state)

    @freeze_time("2026-03-10 09:00:00")
    def test_outcome_before_referral_refused(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        referral = self._create_referral(ticket, referral_date="2026-03-05")
        for values, pattern in (
            ({"state": "agreement", "outcome_date": "2026-03-04"}, "cannot be before its referral"),
            (
                {"state": "agreement", "outcome_date": "2026-03-11"},
                "outcome date of .* in the future",
            ),
            ({"state": "no_agreement"}, "record the date of its outcome"),
        ):
            self.assertRefusedOverRpc(
                ValidationError,
                pattern,
                self.user_manager,
                REFERRAL,
                "write",
                [referral.ids, values],
            )
            self.assertEqual(referral.state, "referred")
            self.assertFalse(referral.outcome_date)
        self._refuse_create(
            ValidationError,
            "cannot be before its referral date",
            ticket,
            referral_date="2026-03-06",
            state="agreement",
            outcome_date="2026-03-05",
        )
        self.assertEqual(ticket.mediation_referral_ids, referral)

    def test_referral_with_outcome_cannot_be_deleted(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        with freeze_time("2026-03-10 09:00:00"):
            referral = self._create_referral(ticket)
            referral.action_inadmissible()
        self.assertRefusedOverRpc(
            UserError, "cannot be deleted", self.user_manager, REFERRAL, "unlink", [referral.ids]
        )
        self.assertTrue(referral.exists())

    def test_cron_cost_does_not_grow_with_untouched_referrals(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
        with freeze_time("2026-03-10 09:00:00"):
            self._create_referral(ticket)
            self.env.flush_all()
        Referral = self.env["qualiopi.mediation.referral"]

        def count_queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with freeze_time("2026-04-10 09:00:00"):
                Referral._cron_qualiopi_mediation_outcomes()
                self.env.flush_all()
            return self.cr.sql_log_count - before

        small = count_queries()
        with freeze_time("2026-03-12 09:00:00"):
            for _i in range(20):
                self._create_referral(ticket)
            self.env.flush_all()
        self.assertEqual(count_queries(), small, "not one more query")
        # Nothing due: the user's timezone (for today's date), the search for
        # referrals turning overdue and the one for the milestone (the deadline
        # mixin's, as for the register), and the access rules.
        self.assertLessEqual(small, 4)


@tagged("post_install", "-at_install")
class TestReferralCronIsolation(MediationCommon):
    """One referral that cannot be processed never stops the cron for the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_mediator()
        cls.activity_type = cls.env.ref("qualiopi_mediation.mail_activity_type_mediation_outcome")

    def _activities(self, referral):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "qualiopi.mediation.referral"),
                ("res_id", "=", referral.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_bad_referral_keeps_its_error_and_the_others_go_on(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            tickets = self._create_complaint() | self._create_complaint()
        with freeze_time("2026-03-10 09:00:00"):
            bad = self._create_referral(tickets[0], user=self.user_manager)
            good = self._create_referral(tickets[1], user=self.user_manager)
        Referral = type(self.env["qualiopi.mediation.referral"])
        responsible = Referral._qualiopi_responsible_user

        def failing_for_bad(referral):
            if referral.id == bad.id:
                raise ValueError("the referral's owner left")
            return responsible(referral)

        with (
            freeze_time("2026-05-24 09:00:00"),
            patch.object(Referral, "_qualiopi_responsible_user", failing_for_bad),
        ):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self._activities(good).mapped("summary"), ["Mediation outcome due"])
        self.assertFalse(good.qualiopi_cron_error)
        self.assertFalse(self._activities(bad))
        self.assertFalse(bad.outcome_reminder_sent, "retried at the next run")
        self.assertIn("the referral's owner left", bad.qualiopi_cron_error)

        with freeze_time("2026-05-25 09:00:00"):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self._activities(bad).mapped("summary"), ["Mediation outcome due"])
        self.assertFalse(bad.qualiopi_cron_error)
        self.assertEqual(len(self._activities(good)), 1, "never twice")
