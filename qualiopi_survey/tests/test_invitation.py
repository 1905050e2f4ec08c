import datetime
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SESSION_END, QualiopiSurveyCommon

AFTER_END = SESSION_END + datetime.timedelta(hours=2)


@tagged("post_install", "-at_install")
class TestInvitation(QualiopiSurveyCommon):
    def _run_cron(self, times=1):
        for _run in range(times):
            self.env["event.event"]._cron_qualiopi_surveys()

    def test_session_takes_course_settings(self):
        self.assertEqual(self.session.qualiopi_hot_survey_id, self.survey_hot)
        self.assertEqual(self.session.qualiopi_cold_survey_id, self.survey_cold)
        self.assertEqual(self.session.qualiopi_cold_delay, 60)
        self.assertEqual(self.session.qualiopi_reminder_count, 2)
        self.assertEqual(
            self.session.qualiopi_cold_due_date,
            SESSION_END + datetime.timedelta(days=60),
        )
        # The session can override its course.
        self.session.qualiopi_cold_delay = 180
        self.assertEqual(self.survey_event_type.qualiopi_cold_delay, 60)
        self.assertEqual(
            self.session.qualiopi_cold_due_date,
            SESSION_END + datetime.timedelta(days=180),
        )

    def test_nothing_before_the_end(self):
        with freeze_time(SESSION_END - datetime.timedelta(hours=1)), self.mock_mail_gateway():
            self._run_cron()
        self.assertFalse(self._answers(self.survey_hot))
        self.assertFalse(self.session.qualiopi_hot_sent_date)

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_cron_invites_each_attendee_once(self):
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron(3)
            answers = self._answers(self.survey_hot)
            # Confirmed and attended, never cancelled nor unconfirmed; the one
            # without email is reported on the session instead.
            self.assertEqual(answers.event_registration_id, self.attendees)
            self.assertEqual(len(answers), 3)
            mails = self._invitation_mails(answers)
            self.assertEqual(len(mails), 3, "one email per attendee, whatever the runs")
            self.assertEqual(mails.recipient_ids, self.attendees.partner_id)
            for answer in answers:
                self.assertEqual(answer.event_id, self.session)
                self.assertEqual(answer.partner_id, answer.event_registration_id.partner_id)
                self.assertEqual(answer.state, "new")
                self.assertEqual(answer.qualiopi_invitation_date, AFTER_END)
                self.assertEqual(
                    answer.qualiopi_next_reminder_date,
                    AFTER_END + datetime.timedelta(days=3),
                )
                mail = mails.filtered(lambda m, a=answer: m.res_id == a.id)
                self.assertIn(answer.access_token, mail.body_html)
            # Client company and trainer, once too.
            client_answers = self._answers(self.survey_client)
            self.assertEqual(client_answers.partner_id, self.client_company)
            trainer_answers = self._answers(self.survey_trainer)
            self.assertEqual(trainer_answers.partner_id, self.trainer)
        self.assertEqual(self.session.qualiopi_hot_sent_date, AFTER_END)
        note = self.session.message_ids.filtered(lambda m: "Antoine Roux" in (m.body or ""))
        self.assertEqual(len(note), 1, "the attendee without email is reported once")
        # The button after the cron invites nobody twice...
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self.session.with_user(self.user_qualiopi).action_qualiopi_send_hot_survey()
            self.assertFalse(self._new_mails)
        # ...but a late registration is invited by it.
        newcomer = self.env["res.partner"].create(
            {"name": "Inès Faure", "email": "ines.faure@example.com"}
        )
        self.env["event.registration"].create(
            {"event_id": self.session.id, "partner_id": newcomer.id, "state": "open"}
        )
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self.session.with_user(self.user_qualiopi).action_qualiopi_send_hot_survey()
            self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(len(self._answers(self.survey_hot)), 4)

    def test_database_constraint(self):
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["survey.user_input"].create(
                {
                    "survey_id": self.survey_hot.id,
                    "partner_id": self.attendee_open.id,
                    "event_id": self.session.id,
                    "event_registration_id": self.reg_open.id,
                }
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["survey.user_input"].create(
                {
                    "survey_id": self.survey_client.id,
                    "partner_id": self.client_company.id,
                    "event_id": self.session.id,
                }
            )

    def test_follow_up_after_delay(self):
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron()
        due = SESSION_END + datetime.timedelta(days=60)
        with freeze_time(due - datetime.timedelta(hours=1)), self.mock_mail_gateway():
            self._run_cron()
        self.assertFalse(self._answers(self.survey_cold))
        with freeze_time(due + datetime.timedelta(hours=1)), self.mock_mail_gateway():
            self._run_cron(3)
            cold = self._answers(self.survey_cold)
            self.assertEqual(cold.event_registration_id, self.attendees)
            self.assertEqual(len(self._invitation_mails(cold)), 3)
        self.assertTrue(self.session.qualiopi_cold_sent_date)

    def test_old_sessions_not_surveyed_on_install(self):
        """A session that ended long ago is left to the buttons."""
        with freeze_time(SESSION_END + datetime.timedelta(days=30)), self.mock_mail_gateway():
            self._run_cron()
        self.assertFalse(self._answers(self.survey_hot))

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_reminders_only_to_non_respondents(self):
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron()
        answers = self._answers(self.survey_hot)
        answered = answers.filtered(lambda a: a.event_registration_id == self.reg_done)
        with freeze_time(AFTER_END + datetime.timedelta(days=1)):
            self._answer_hot(answered, 8)
        self.assertFalse(answered.qualiopi_next_reminder_date)
        pending = answers - answered
        reminders = {}
        for day in (2, 3, 4, 7, 8, 15, 40):
            with (
                freeze_time(AFTER_END + datetime.timedelta(days=day, minutes=1)),
                self.mock_mail_gateway(),
            ):
                self._run_cron()
                reminders[day] = self._invitation_mails(answers)
        self.assertFalse(reminders[2])
        self.assertEqual(len(reminders[3]), 2)
        self.assertEqual(reminders[3].mapped("res_id"), pending.ids)
        self.assertIn("Reminder", reminders[3][0].subject)
        self.assertFalse(reminders[4])
        self.assertEqual(len(reminders[7]), 2)
        for day in (8, 15, 40):
            self.assertFalse(reminders[day], "at most two reminders")
        self.assertEqual(set(pending.mapped("qualiopi_reminder_count")), {2})
        self.assertEqual(answered.qualiopi_reminder_count, 0)
        self.assertFalse(any(pending.mapped("qualiopi_next_reminder_date")))

    def test_no_reminder_when_disabled(self):
        self.session.qualiopi_reminder_count = 0
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron()
        answers = self._answers(self.survey_hot)
        self.assertFalse(any(answers.mapped("qualiopi_next_reminder_date")))

    def test_reminder_settings_validated(self):
        with self.assertRaisesRegex(ValidationError, "at most twice"):
            self.survey_event_type.qualiopi_reminder_count = 3
        with self.assertRaisesRegex(ValidationError, "after the first one"):
            self.session.write({"qualiopi_reminder_1_days": 7, "qualiopi_reminder_2_days": 3})
        with self.assertRaisesRegex(ValidationError, "different surveys"):
            self.session.qualiopi_cold_survey_id = self.survey_hot

    def test_survey_without_satisfaction_question(self):
        plain = self.env["survey.survey"].create(
            {
                "title": "Sans score",
                "qualiopi_purpose": "hot",
                "access_mode": "token",
                "question_and_page_ids": [
                    (0, 0, {"title": "Un commentaire ?", "question_type": "text_box"})
                ],
            }
        )
        with self.assertRaisesRegex(ValidationError, "no satisfaction question"):
            self.survey_event_type.qualiopi_hot_survey_id = plain
        # A survey that loses its satisfaction questions after being chosen:
        # the button says why, the cron reports it on the session and goes on
        # with the other sessions.
        other = self.session.copy(
            {"name": "Management d'équipe - mars bis", "qualiopi_hot_survey_id": self.survey_hot.id}
        )
        self.env["event.registration"].create(
            {"event_id": other.id, "partner_id": self.attendee_cancel.id, "state": "open"}
        )
        self.session.qualiopi_hot_survey_id = self.env["survey.survey"].create(
            {
                "title": "Fin de session bis",
                "qualiopi_purpose": "hot",
                "access_mode": "token",
                "question_and_page_ids": [
                    (
                        0,
                        0,
                        {
                            "title": "Note",
                            "question_type": "scale",
                            "is_qualiopi_satisfaction": True,
                        },
                    )
                ],
            }
        )
        self.session.qualiopi_hot_survey_id.question_ids.is_qualiopi_satisfaction = False
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            with self.assertRaisesRegex(UserError, "no satisfaction question"):
                self.session.with_user(self.user_qualiopi).action_qualiopi_send_hot_survey()
            self.env["event.event"]._cron_qualiopi_surveys()
        self.assertIn("no satisfaction question", self.session.qualiopi_survey_error)
        self.assertFalse(self.session.qualiopi_survey_input_ids)
        self.assertEqual(len(self._answers(self.survey_hot, other)), 1)

    @mute_logger("odoo.addons.qualiopi_survey.models.event_event")
    def test_error_cleared_by_a_sending_then_follow_up_sent(self):
        """The cron skips a session in error; once its surveys are fixed and
        sent with the button, the error is gone and the follow-up leaves."""
        satisfaction = self.session.qualiopi_hot_survey_id.question_ids.filtered(
            "is_qualiopi_satisfaction"
        )
        satisfaction.is_qualiopi_satisfaction = False
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron()
        self.assertIn("no satisfaction question", self.session.qualiopi_survey_error)
        satisfaction.is_qualiopi_satisfaction = True
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self.session.with_user(self.user_qualiopi).action_qualiopi_send_hot_survey()
        self.assertFalse(self.session.qualiopi_survey_error)
        self.assertEqual(self._answers(self.survey_hot).event_registration_id, self.attendees)
        due = SESSION_END + datetime.timedelta(days=60, hours=1)
        with freeze_time(due), self.mock_mail_gateway():
            self._run_cron()
        self.assertEqual(self._answers(self.survey_cold).event_registration_id, self.attendees)

    def test_session_not_ended_or_without_end(self):
        with freeze_time(SESSION_END - datetime.timedelta(days=1)):
            with self.assertRaisesRegex(UserError, "can only be sent once it is over"):
                self.session.with_user(self.user_qualiopi).action_qualiopi_send_hot_survey()
        draft = self.env["event.event"].new(
            {"name": "Sans dates", "qualiopi_hot_survey_id": self.survey_hot.id}
        )
        draft.date_end = False
        with self.assertRaisesRegex(UserError, "has no end date"):
            draft.with_user(self.user_qualiopi)._qualiopi_check_can_send("hot")

    def test_error_message_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_survey"], ["fr_FR"], overwrite=True
        )
        session = self.session.with_user(self.user_qualiopi).with_context(lang="fr_FR")
        with freeze_time(SESSION_END - datetime.timedelta(days=1)):
            with self.assertRaisesRegex(UserError, "une fois terminée"):
                session.action_qualiopi_send_hot_survey()

    def test_idle_cron_cost_does_not_follow_history(self):
        """Once everything is sent, a run costs the same whatever the number of
        sessions surveyed before: each search is bounded by a 'sent' date."""

        def surveyed_sessions(count):
            for index in range(count):
                session = self.session.copy({"name": f"Session passée {index}"})
                self.env["event.registration"].create(
                    {"event_id": session.id, "partner_id": self.attendee_done.id, "state": "done"}
                )

        def idle_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._run_cron()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        with freeze_time(AFTER_END), self.mock_mail_gateway():
            surveyed_sessions(2)
            self._run_cron()
            few = idle_queries()
            surveyed_sessions(20)
            self._run_cron()
            many = idle_queries()
        self.assertEqual(many, few)
        self.assertEqual(len(self._answers(self.survey_hot)), 3)

    def _bad_session_beside(self):
        """A second session that ended with the good one, its own attendee."""
        bad = self.session.copy({"name": "Management d'équipe - mars (connexion requise)"})
        registration = self.env["event.registration"].create(
            {"event_id": bad.id, "partner_id": self.attendee_cancel.id, "state": "open"}
        )
        return bad, registration

    def _assert_nothing_written_for(self, session, partner):
        self.env.flush_all()
        self.assertFalse(
            self.env["survey.user_input"].search_count([("event_id", "=", session.id)]),
            "no answer left behind for the session in error",
        )
        self.assertFalse(
            self.env["mail.mail"].search_count([("recipient_ids", "in", partner.ids)]),
            "no email queued for its attendee",
        )
        self.assertFalse(session.qualiopi_hot_sent_date)

    @mute_logger("odoo.addons.qualiopi_survey.models.event_event")
    def test_cron_survey_registered_users_only_beside_a_good_one(self):
        """A session whose survey only registered users may answer cannot be
        surveyed: its error is stored and shown on it, the other session's
        invitations go out in the same run."""
        bad, _registration = self._bad_session_beside()
        login_survey = self.survey_hot.copy({"title": "Fin de session (connexion)"})
        bad.qualiopi_hot_survey_id = login_survey
        login_survey.users_login_required = True
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self._run_cron()
        self.assertIn("requires a login", bad.qualiopi_survey_error)
        self.assertTrue(
            bad.message_ids.filtered(lambda m: "requires a login" in (m.body or "")),
            "the error is shown in the session's chatter",
        )
        self._assert_nothing_written_for(bad, self.attendee_cancel)
        self.assertEqual(self._answers(self.survey_hot).event_registration_id, self.attendees)
        self.assertEqual(self.session.qualiopi_hot_sent_date, AFTER_END)
        self.assertFalse(self.session.qualiopi_survey_error)
        # The error is visible where staff look: the session's form and filter.
        arch = self.env["event.event"].get_view(view_type="form")["arch"]
        self.assertIn('name="qualiopi_survey_error"', arch)
        self.assertEqual(
            self.env["event.event"].search([("qualiopi_survey_error", "!=", False)]), bad
        )

    @mute_logger("odoo.addons.qualiopi_survey.models.event_event")
    def test_cron_failure_midway_rolls_back_that_session_only(self):
        """A session that fails after part of its sending (here its emails,
        once its answers exist) is rolled back whole; the other session is
        surveyed in the same run."""
        bad, _registration = self._bad_session_beside()
        SurveyUserInput = type(self.env["survey.user_input"])
        send_invitations = SurveyUserInput._qualiopi_send_invitations

        def failing(answers):
            if bad in answers.event_id:
                raise RuntimeError("SMTP template exploded")
            return send_invitations(answers)

        with (
            freeze_time(AFTER_END),
            self.mock_mail_gateway(),
            patch.object(SurveyUserInput, "_qualiopi_send_invitations", failing),
        ):
            self._run_cron()
        self.assertIn("SMTP template exploded", bad.qualiopi_survey_error)
        self._assert_nothing_written_for(bad, self.attendee_cancel)
        self.assertEqual(self._answers(self.survey_hot).event_registration_id, self.attendees)
        self.assertEqual(self._answers(self.survey_client).partner_id, self.client_company)
        self.assertEqual(self.session.qualiopi_hot_sent_date, AFTER_END)
