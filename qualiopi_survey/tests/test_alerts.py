from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestAlerts(QualiopiSurveyCommon):
    def _invite(self, registration):
        return self.survey_hot._create_answer(
            partner=registration.partner_id,
            check_attempts=False,
            event_id=self.session.id,
            event_registration_id=registration.id,
            company_id=self.company.id,
        )

    def _difficulties(self, answer):
        return self.env["helpdesk.ticket"].search([("qualiopi_user_input_id", "=", answer.id)])

    def test_low_answer_opens_one_difficulty(self):
        answer = self._invite(self.reg_open)
        self._answer_hot(answer, 3, comment="Je n'ai pas pu suivre.", recommend="No")
        self.assertTrue(answer.qualiopi_is_low)
        ticket = self._difficulties(answer)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.qualiopi_nature, "difficulty")
        self.assertEqual(ticket.stakeholder_type, "trainee")
        self.assertEqual(ticket.event_id, self.session)
        self.assertEqual(ticket.event_registration_id, self.reg_open)
        self.assertEqual(ticket.partner_id, self.attendee_open)
        self.assertEqual(ticket.user_id, self.user_manager)
        self.assertIn("Je n'ai pas pu suivre.", ticket.description)
        self.assertEqual(answer.qualiopi_difficulty_id, ticket)
        self.assertIn(ticket, self.session.qualiopi_ticket_ids)
        # Never twice for the same answer: checking again, flagging its text.
        answer._qualiopi_check_alerts()
        line = answer.user_input_line_ids.filtered(lambda line: line.answer_type == "text_box")
        line.with_user(self.user_qualiopi).action_qualiopi_flag()
        self.assertEqual(self._difficulties(answer), ticket)
        self.assertTrue(line.qualiopi_flagged)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            ticket.copy({"qualiopi_user_input_id": answer.id})

    def test_difficulty_gets_the_complaint_team_and_an_owner(self):
        """Like any Qualiopi record: the company's complaint team, the session's
        responsible when a member of it, else its leader."""
        self.company.qualiopi_public_team_id = self.team
        answer = self._invite(self.reg_open)
        self._answer_hot(answer, 3, comment="Je n'ai pas pu suivre.", recommend="No")
        ticket = self._difficulties(answer)
        self.assertEqual((ticket.team_id, ticket.user_id), (self.team, self.user_manager))
        self.team.user_ids -= self.user_manager
        self.team.user_id = self.user_qualiopi
        answer = self._invite(self.reg_done)
        self._answer_hot(answer, 2, comment="Trop rapide.", recommend="No")
        ticket = self._difficulties(answer)
        self.assertEqual((ticket.team_id, ticket.user_id), (self.team, self.user_qualiopi))

    def test_difficulty_in_the_organisation_language(self):
        """A visitor answering in English opens a difficulty that the French
        organisation's staff read in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company.partner_id.lang = "fr_FR"
        answer = self._invite(self.reg_open).with_context(lang="en_US")
        self._answer_hot(answer, 3, comment="I could not follow.", recommend="No")
        ticket = self._difficulties(answer)
        self.assertTrue(ticket.name.startswith("Alerte satisfaction"), ticket.name)
        self.assertIn("sous le seuil d'alerte", ticket.description)

    def test_good_answer_opens_nothing_until_flagged(self):
        answer = self._invite(self.reg_done)
        self._answer_hot(
            answer,
            9,
            comment="Très bien, mais ma situation de handicap n'a pas été prise en compte.",
        )
        self.assertFalse(answer.qualiopi_is_low)
        self.assertFalse(self._difficulties(answer))
        line = answer.user_input_line_ids.filtered(lambda line: line.answer_type == "text_box")
        action = line.with_user(self.user_qualiopi).action_qualiopi_flag()
        ticket = self._difficulties(answer)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(action["res_id"], ticket.id)
        self.assertIn("handicap", ticket.description)
        # The answer-level button shows the same difficulty.
        answer.with_user(self.user_qualiopi).action_qualiopi_open_difficulty()
        self.assertEqual(self._difficulties(answer), ticket)

    def test_test_entry_opens_nothing(self):
        """A manager trying the survey from its form is not a stakeholder."""
        answer = self.survey_hot._create_answer(user=self.env.user, test_entry=True)
        self._answer_hot(answer, 1, recommend="No")
        self.assertTrue(answer.qualiopi_is_low)
        self.assertFalse(self._difficulties(answer))

    def test_threshold_is_a_company_setting(self):
        self.assertEqual(
            self.env["res.company"].create({"name": "Autre OF"}).qualiopi_alert_threshold, 50
        )
        self.company.qualiopi_alert_threshold = 80
        answer = self._invite(self.reg_open_2)
        self._answer_hot(answer, 7)  # (70 x4 + 100) / 5 = 76
        self.assertAlmostEqual(answer.qualiopi_satisfaction, 76.0, places=1)
        self.assertEqual(len(self._difficulties(answer)), 1)

    def test_one_difficulty_per_invitation(self):
        """A second answer on the same invitation (its token), however it was
        started, never opens a second difficulty."""
        answer = self._invite(self.reg_open)
        self._answer_hot(answer, 2, recommend="No")
        ticket = self._difficulties(answer)
        self.assertEqual(len(ticket), 1)
        second = self.survey_hot._create_answer(
            partner=self.attendee_open,
            check_attempts=False,
            event_id=self.session.id,
            invite_token=answer.invite_token,
        )
        self._answer_hot(second, 1, recommend="No")
        self.assertTrue(second.qualiopi_is_low)
        self.assertFalse(self._difficulties(second))
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("qualiopi_user_input_id", "in", (answer | second).ids)]
            ),
            1,
        )

    def test_answer_nobody_invited_opens_nothing(self):
        """An answer started from the survey's public link is not linked to a
        session, a complaint or a funder's year: no difficulty."""
        self.survey_hot.access_mode = "public"
        public_user = self.env.ref("base.public_user")
        answer = self.survey_hot.with_user(public_user).sudo()._create_answer(user=public_user)
        self._answer_hot(answer, 0, recommend="No")
        self.assertTrue(answer.qualiopi_is_low)
        self.assertFalse(self._difficulties(answer))
