import re

from odoo.tests import new_test_user, tagged

from .common import QualiopiHttpCommon


@tagged("post_install", "-at_install")
class TestPublicTours(QualiopiHttpCommon):
    """Browser scenarios in headless Chromium."""

    def _complaint(self, name, partner):
        """A complaint not yet acknowledged, for the tours to handle."""
        return self._create_complaint(auto_ack=False, name=name, partner_id=partner.id)

    def test_visitor_files_a_complaint(self):
        self.start_tour("/qualiopi/reclamation", "qualiopi_public_form_tour")
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_email", "=", "tour.visitor@example.com")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(ticket.team_id, self.team)
        self._send_queued_acknowledgements()
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
            login=self.user_qualiopi.login,
        )
        self.assertTrue(ticket.ack_date)
        self.assertTrue(ticket.response_date)
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.qualiopi_status, "closed")

    def test_portal_user_sees_only_own_records(self):
        (portal, other), _client = self._portal_colleagues("Paula Portail", "Oscar Portail")
        self._complaint("Portal tour: my own complaint", portal.partner_id)
        self._complaint("Portal tour: somebody else", other.partner_id)
        self.start_tour("/my/tickets", "qualiopi_portal_tour", login=portal.login)

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
