import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SESSION_END, QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestAccess(QualiopiSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(SESSION_END + datetime.timedelta(hours=1)):
            cls.answers = cls.session._qualiopi_send("hot")
        cls.hot_answer = cls.answers.filtered(lambda a: a.survey_id == cls.survey_hot)[:1]

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_auditor_reads_only(self):
        answer = self.hot_answer.with_user(self.user_auditor)
        self.assertEqual(answer.event_id, self.session)
        self.assertTrue(answer.user_input_line_ids.ids is not None)
        self.assertEqual(
            self.session.with_user(self.user_auditor).qualiopi_survey_input_count, len(self.answers)
        )
        with self.assertRaises(AccessError):
            answer.write({"qualiopi_reminder_count": 5})
        with self.assertRaises(AccessError):
            self.survey_hot.with_user(self.user_auditor).write({"title": "Modifié"})
        with self.assertRaises(UserError):
            self.session.with_user(self.user_auditor).action_qualiopi_send_hot_survey()
        with self.assertRaises(UserError):
            answer.action_qualiopi_open_difficulty()
        contact = self.env["qualiopi.funder.contact"].create(
            {"name": "Bilan", "partner_id": self.funder.id}
        )
        self.assertEqual(contact.with_user(self.user_auditor).name, "Bilan")
        with self.assertRaises(AccessError):
            self.env["qualiopi.funder.contact"].with_user(self.user_auditor).create(
                {"name": "Bilan 2", "partner_id": self.funder.id}
            )

    @mute_logger("odoo.addons.base.models.ir_model")
    def test_user_and_manager(self):
        answers = (
            self.env["survey.user_input"]
            .with_user(self.user_qualiopi)
            .search([("event_id", "=", self.session.id)])
        )
        self.assertEqual(answers, self.answers)
        contact = (
            self.env["qualiopi.funder.contact"]
            .with_user(self.user_qualiopi)
            .create(
                {"name": "Webinaire OPCO", "partner_id": self.funder.id, "contact_type": "webinar"}
            )
        )
        with self.assertRaises(AccessError):
            contact.unlink()
        contact.with_user(self.user_manager).unlink()

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_plain_employee_and_portal_see_nothing(self):
        with self.assertRaises(AccessError):
            self.hot_answer.with_user(self.user_plain).read(["qualiopi_satisfaction"])
        portal = self.env["res.users"].create(
            {
                "name": "Julien portail",
                "login": "julien_portal",
                "partner_id": self.attendee_open.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.hot_answer.with_user(portal).read(["qualiopi_satisfaction"])

    def test_respondents_reach_their_answer_by_token(self):
        tokens = self.answers.mapped("access_token")
        self.assertEqual(len(set(tokens)), len(self.answers), "one private token per invitation")
        for answer in self.answers:
            self.assertIn(f"answer_token={answer.access_token}", answer.get_start_url())

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Formation Sud"})
        self.user_qualiopi.write({"company_ids": [(4, other.id)]})
        session = self.session.copy({"name": "Session Sud", "company_id": other.id})
        answer = self.survey_hot._create_answer(
            partner=self.attendee_done, check_attempts=False, event_id=session.id
        )
        self.assertEqual(answer.company_id, other)
        visible = (
            self.env["survey.user_input"]
            .with_user(self.user_qualiopi)
            .with_context(allowed_company_ids=[self.company.id])
            .search([("survey_id", "=", self.survey_hot.id)])
        )
        self.assertNotIn(answer, visible)
        self.assertIn(self.hot_answer, visible)
        with self.assertRaises(AccessError):
            answer.with_user(self.user_auditor).read(["qualiopi_satisfaction"])
