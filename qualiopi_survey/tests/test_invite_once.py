import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SESSION_END, QualiopiSurveyCommon

AFTER_END = SESSION_END + datetime.timedelta(hours=2)


@tagged("post_install", "-at_install")
class TestInviteOnce(QualiopiSurveyCommon):
    """One helper invites for the four paths (end of session, follow-up,
    contacts of a session, funders, complainants): nobody twice, whichever
    path runs first, and one search for all the sessions."""

    def _sessions(self, count):
        """Ended sessions of the course, each with two attendees."""
        sessions = self.env["event.event"]
        for index in range(count):
            session = self.session.copy({"name": f"Management d'équipe - {index}"})
            for partner in (self.attendee_open, self.attendee_done):
                self.env["event.registration"].create(
                    {"event_id": session.id, "partner_id": partner.id, "state": "open"}
                )
            sessions |= session
        return sessions

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_button_then_cron_then_direct_call(self):
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            self.session.with_user(self.user_qualiopi).action_qualiopi_send_hot_survey()
            self.env["event.event"]._cron_qualiopi_surveys()
            self.session._qualiopi_send("hot")
            answers = self.session.qualiopi_survey_input_ids
            self.assertEqual(len(self._invitation_mails(answers)), len(answers))
        self.assertEqual(self._answers(self.survey_hot).event_registration_id, self.attendees)
        self.assertEqual(self._answers(self.survey_client).partner_id, self.client_company)
        self.assertEqual(self._answers(self.survey_trainer).partner_id, self.trainer)
        self.assertEqual(len(answers), 5)

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_same_invitation_twice_in_one_call(self):
        invitation = {
            "survey": self.survey_hot,
            "partner": self.attendee_open,
            "email": self.attendee_open.email,
            "event_id": self.session.id,
            "event_registration_id": self.reg_open.id,
            "company_id": self.company.id,
        }
        Answer = self.env["survey.user_input"]
        with self.mock_mail_gateway():
            answers = Answer._qualiopi_invite_once([invitation, dict(invitation)])
            self.assertEqual(len(answers), 1)
            self.assertEqual(len(self._invitation_mails(answers)), 1)
            self.assertFalse(Answer._qualiopi_invite_once([invitation]))

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_complaint_survey_direct_then_on_close(self):
        complaint = self._create_complaint()
        self._record_answer(complaint)
        with self.mock_mail_gateway():
            first = complaint._qualiopi_invite_complaint_survey()
            complaint.stage_id = self.stage_done
            self.assertEqual(len(self._invitation_mails(first)), 1)
        self.assertEqual(complaint.qualiopi_survey_input_ids, first)

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_funder_survey_button_then_cron(self):
        with freeze_time("2027-01-10 09:00:00"), self.mock_mail_gateway():
            self.company.with_user(self.user_manager).action_qualiopi_send_funder_survey()
            self.company.qualiopi_funder_survey_year = 0
            self.env["event.event"]._cron_qualiopi_surveys()
            answers = self.env["survey.user_input"].search(
                [
                    ("survey_id", "=", self.survey_funder.id),
                    ("qualiopi_year", "=", 2026),
                    ("partner_id", "=", self.funder.id),
                ]
            )
            self.assertEqual(len(answers), 1)
            self.assertEqual(len(self._invitation_mails(answers)), 1)

    def test_plain_user_cannot_send_funder_survey(self):
        with self.assertRaisesRegex(Exception, "Only a Qualiopi user"):
            self.company.with_user(self.user_plain).action_qualiopi_send_funder_survey()

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_query_count_does_not_follow_sessions(self):
        """Sending again to sessions whose people are all invited costs the
        same for 2 sessions as for 6: one search finds the invitations of all
        of them."""

        def resend_queries(sessions):
            with freeze_time(AFTER_END), self.mock_mail_gateway():
                sessions._qualiopi_send("hot")
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with freeze_time(AFTER_END), self.mock_mail_gateway():
                sessions._qualiopi_send("hot")
            self.env.flush_all()
            return self.cr.sql_log_count - before

        few = resend_queries(self._sessions(2))
        many = resend_queries(self._sessions(6))
        self.assertEqual(many, few)
        sessions = self._sessions(4)
        with freeze_time(AFTER_END), self.mock_mail_gateway():
            sessions._qualiopi_send("hot")
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time(AFTER_END), self.mock_mail_gateway(), self.assertQueryCount(few):
            sessions._qualiopi_send("hot")
        self.assertEqual(
            len(sessions.qualiopi_survey_input_ids.filtered("event_registration_id")), 8
        )

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_cron_sends_all_due_sessions_in_one_batch(self):
        """The cron sends every due session in one call of the helper; it goes
        session by session only when that fails."""
        sessions = self._sessions(3) | self.session
        calls = []
        Answer = type(self.env["survey.user_input"])
        invite_once = Answer._qualiopi_invite_once

        def counting(model, invitations):
            calls.append({inv["event_id"] for inv in invitations})
            return invite_once(model, invitations)

        with (
            freeze_time(AFTER_END),
            self.mock_mail_gateway(),
            patch.object(Answer, "_qualiopi_invite_once", counting),
        ):
            self.env["event.event"]._cron_qualiopi_surveys()
        self.assertEqual(calls[0], set(sessions.ids))
        self.assertTrue(all(sessions.mapped("qualiopi_hot_sent_date")))
