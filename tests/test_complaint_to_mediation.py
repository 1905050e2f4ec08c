# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A trainee's complaint across the three addons, as an auditor would follow
it: the register acknowledges and answers it, the survey addon asks the
complainant how it was handled (once) and turns a low score into a
difficulty, the mediation addon records the referral of the unresolved
complaint, and the session and the audit report show all of it."""

from freezegun import freeze_time

from odoo.tests import Form

from odoo.addons.qualiopi_mediation.tests.common import MediationCommon
from odoo.addons.qualiopi_survey.tests.common import QualiopiSurveyCommon

from .common import CrossAddonCase


class TestComplaintToMediation(CrossAddonCase, QualiopiSurveyCommon, MediationCommon):
    required_modules = ("qualiopi_reclamation", "qualiopi_survey", "qualiopi_mediation")

    def _mails_to(self, partner, model):
        return self._new_mails.filtered(lambda m: partner in m.recipient_ids and m.model == model)

    def _save_action_form(self, action, user):
        """The record a window action's form saves, as ``user`` fills it."""
        model = self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        return Form(model).save().with_context(**action["context"])

    def _send_answer(self, complaint):
        """The answer as staff send it: the register's composer."""
        action = complaint.with_user(self.user_qualiopi).action_qualiopi_send_response()
        self._save_action_form(action, self.user_qualiopi).action_send_mail()

    def test_complaint_survey_difficulty_mediation_report(self):
        self._set_mediator()
        trainee = self.attendee_open
        trainee.lang = "en_US"

        # 1. The complaint on the session, acknowledged on creation with the
        #    mediator's details (the register and the mediation together).
        with freeze_time("2026-03-05 09:00:00"), self.mock_mail_gateway():
            complaint = (
                self.env["helpdesk.ticket"]
                .with_user(self.user_qualiopi)
                .create(
                    self._complaint_values(
                        name="Programme non couvert",
                        partner_id=trainee.id,
                        event_id=self.session.id,
                        event_registration_id=self.reg_open.id,
                    )
                )
            )
            self._send_queued_acknowledgements()
            self.env.flush_all()
            ack = self._mails_to(trainee, "helpdesk.ticket")
            self.assertEqual(len(ack), 1)
            self.assertIn(self.mediator.website, ack.body_html)
        self.assertEqual(str(complaint.ack_date), "2026-03-05 09:00:00")
        self.assertEqual(complaint.mediation_informed_date, complaint.ack_date)
        # A plain helpdesk ticket on the same session is no Qualiopi record.
        self.env["helpdesk.ticket"].create(
            {"name": "Code Wi-Fi", "description": "<p>?</p>", "event_id": self.session.id}
        )

        # 2. Not resolved: the answer is sent and recorded, then the complaint
        #    is closed, which invites the complainant to the complaint-handling
        #    survey, once, however often it is closed.
        with freeze_time("2026-03-06 10:00:00"), self.mock_mail_gateway():
            complaint.with_user(self.user_qualiopi).qualiopi_unresolved = True
            self._send_answer(complaint)
            complaint.with_user(self.user_qualiopi).stage_id = self.stage_done
            self.env.flush_all()
            invitation = complaint.qualiopi_survey_input_ids
            self.assertEqual(len(invitation), 1)
            self.assertEqual(invitation.survey_id, self.survey_complaint)
            self.assertEqual(invitation.partner_id, trainee)
            self.assertEqual(invitation.event_id, self.session)
            self.assertEqual(len(self._mails_to(trainee, "survey.user_input")), 1)
        self.assertEqual(str(complaint.response_date), "2026-03-06 10:00:00")
        self.assertFalse(complaint.is_overdue)
        with freeze_time("2026-03-07 10:00:00"), self.mock_mail_gateway():
            complaint.stage_id = self.stage_new
            complaint.stage_id = self.stage_done
            complaint._qualiopi_invite_complaint_survey()
            self.env.flush_all()
            self.assertFalse(self._mails_to(trainee, "survey.user_input"))
        self.assertEqual(complaint.qualiopi_survey_input_ids, invitation)

        # 3. The complainant answers with a low score: a difficulty opens in
        #    the register, on the same session, tied to the answer.
        scales = self.survey_complaint.question_ids.filtered(lambda q: q.question_type == "scale")
        with freeze_time("2026-03-10 18:00:00"):
            # As the survey controller does, on the invitation's token.
            self._answer(invitation.sudo(), {question: "2" for question in scales})
        self.assertEqual(complaint.qualiopi_handling_survey_state, "answered")
        self.assertAlmostEqual(complaint.qualiopi_handling_satisfaction, 20.0, places=1)
        difficulty = invitation.qualiopi_difficulty_id
        self.assertTrue(difficulty)
        self.assertEqual(difficulty.qualiopi_nature, "difficulty")
        self.assertEqual(difficulty.event_id, self.session)
        self.assertEqual(difficulty.partner_id, trainee)
        self.assertFalse(difficulty.ack_date, "a difficulty is not acknowledged")

        # 4. Still unresolved: the manager refers the complaint to the mediator.
        with freeze_time("2026-03-20 10:00:00"):
            action = complaint.with_user(self.user_manager).action_qualiopi_refer_to_mediation()
            referral = self._save_action_form(action, self.user_manager)
        self.assertEqual(referral.ticket_id, complaint)
        self.assertEqual(referral.mediator_id, self.mediator)
        self.assertEqual(str(referral.referral_date), "2026-03-20")
        # The manager reads the referrals (mediation files are restricted).
        complaint = complaint.with_user(self.user_manager)
        complaint.invalidate_recordset()
        self.assertEqual(complaint.mediation_referral_ids, referral)
        self.assertEqual(complaint.mediation_state, "referred")

        # 5. What the audit reads: the session's register holds the complaint
        #    and the difficulty, and the indicator-31 report shows the
        #    complaint, the difficulty, the survey and the referral.
        self.session.invalidate_recordset(["qualiopi_ticket_ids", "qualiopi_ticket_count"])
        self.assertEqual(self.session.qualiopi_ticket_ids, complaint | difficulty)
        self.assertEqual(self.session.qualiopi_ticket_count, 2)
        with freeze_time("2026-04-30 10:00:00"):
            # The wizard as the manager fills it: the period and the sample.
            form = Form(self.env["qualiopi.indicator31.report"].with_user(self.user_manager))
            form.date_from = "2026-03-01"
            form.date_to = "2026-03-31"
            form.event_ids.add(self.session)
            wizard = form.save()
            self.assertEqual(wizard.company_id, self.company)
            html = (
                self.env["ir.actions.report"]
                .with_user(self.user_manager)
                ._render_qweb_html("qualiopi_reclamation.report_indicator31", wizard.ids)[0]
                .decode()
            )
        for expected in (
            complaint.number,
            difficulty.number,
            referral.name,
            self.mediator.name,
            self.survey_complaint.title,
        ):
            self.assertIn(expected, html, f"{expected!r} missing from the report")
