import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPublicTours(HttpCase):
    """Browser scenarios in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"qualiopi_auto_ack": True, "email": "contact@example.com"})
        cls.staff = new_test_user(
            cls.env,
            login="tour_staff",
            name="Sophie Staff",
            email="sophie@example.com",
            groups="qualiopi_reclamation.group_qualiopi_user",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Qualité tour",
                "user_id": cls.staff.id,
                "user_ids": [Command.set(cls.staff.ids)],
                "company_id": cls.company.id,
            }
        )
        cls.company.qualiopi_public_team_id = cls.team

    def _complaint(self, name, partner, **values):
        return (
            self.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(
                {
                    "name": name,
                    "description": "<p>Le support n'a pas été envoyé.</p>",
                    "qualiopi_nature": "complaint",
                    "stakeholder_type": "trainee",
                    "partner_id": partner.id,
                    "team_id": self.team.id,
                    "channel_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
                    **values,
                }
            )
        )

    def test_visitor_files_a_complaint(self):
        self.start_tour("/qualiopi/reclamation", "qualiopi_public_form_tour")
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_email", "=", "tour.visitor@example.com")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(ticket.team_id, self.team)
        self.assertTrue(ticket.ack_date)

    def test_staff_acknowledges_answers_and_closes(self):
        trainee = self.env["res.partner"].create(
            {"name": "Théo Stagiaire", "email": "theo@example.com"}
        )
        ticket = self._complaint("Register tour: late course material", trainee)
        # helpdesk_mgmt folds its closed stages out of the status bar: show
        # "Done" so that the tour clicks it like a user of a narrow setup would.
        self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").fold = False
        self.assertFalse(ticket.ack_date)
        self.start_tour(
            "/odoo/action-qualiopi_reclamation.action_qualiopi_register",
            "qualiopi_register_tour",
            login="tour_staff",
        )
        self.assertTrue(ticket.ack_date)
        self.assertTrue(ticket.response_date)
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.qualiopi_status, "closed")

    def test_portal_user_sees_only_own_records(self):
        client = self.env["res.partner"].create({"name": "Client SA", "is_company": True})
        portal = new_test_user(
            self.env, login="tour_portal", name="Paula Portail", groups="base.group_portal"
        )
        other = new_test_user(
            self.env, login="tour_portal_2", name="Oscar Portail", groups="base.group_portal"
        )
        (portal.partner_id | other.partner_id).write({"parent_id": client.id})
        self._complaint("Portal tour: my own complaint", portal.partner_id)
        self._complaint("Portal tour: somebody else", other.partner_id)
        self.start_tour("/my/tickets", "qualiopi_portal_tour", login="tour_portal")

    def test_portal_closing_is_guarded(self):
        portal = new_test_user(
            self.env, login="close_portal", name="Carla Portail", groups="base.group_portal"
        )
        new_test_user(
            self.env, login="close_stranger", name="Sam Portail", groups="base.group_portal"
        )
        ticket = self._complaint("Closing from the portal", portal.partner_id)
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.authenticate("close_portal", "close_portal")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("o_qualiopi_portal_dates", page)
        self.assertNotIn('name="ticket_close_buttons"', page, "no closing before the answer")
        self.url_open(f"/ticket/close?ticket_id={ticket.id}&stage_id={done.id}")
        self.assertFalse(ticket.stage_id.closed, "an unanswered complaint stays open")
        answer = ticket.sudo().message_post(
            body="Réponse", partner_ids=ticket.partner_id.ids, message_type="comment"
        )
        ticket.sudo().write(
            {
                "ack_date": ticket.received_date,
                "response_date": ticket.received_date,
                "response_method": "email",
                "response_message_id": answer.id,
            }
        )
        self.authenticate("close_stranger", "close_stranger")
        self.url_open(f"/ticket/close?ticket_id={ticket.id}&stage_id={done.id}")
        self.assertFalse(ticket.stage_id.closed, "nobody closes another's complaint")
        self.assertIn("/my", self.url_open(f"/my/ticket/{ticket.id}").url)
        self.assertNotIn("Closing from the portal", self.url_open("/my/tickets").text)
        self.authenticate("close_portal", "close_portal")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn('name="ticket_close_buttons"', page)
        self.url_open(f"/ticket/close?ticket_id={ticket.id}&stage_id={done.id}")
        self.assertFalse(ticket.stage_id.closed, "a link (GET) closes nothing")
        # The close button: a POST with the page's CSRF token.
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.url_open(
            "/ticket/close",
            data={"ticket_id": ticket.id, "stage_id": done.id, "csrf_token": csrf},
        )
        self.assertTrue(ticket.stage_id.closed, "the complainant closes an answered one")
