from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMediationPortal(HttpCase):
    """The complainant's portal page of a complaint shows the mediator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.mediator = cls.env["qualiopi.mediator"].create(
            {
                "name": "Médiateur Portail Test",
                "website": "https://mediateur-portail.example.org",
                "street": "3 place du Portail",
                "zip": "31000",
                "city": "Toulouse",
            }
        )
        partner = cls.env["res.partner"].create(
            {"name": "Paul Portail", "email": "paul.portail@example.com"}
        )
        cls.ticket = (
            cls.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(
                {
                    "name": "Attestation non reçue",
                    "description": "<p>Je n'ai pas reçu mon attestation.</p>",
                    "qualiopi_nature": "complaint",
                    "stakeholder_type": "trainee",
                    "partner_id": partner.id,
                }
            )
        )
        cls.ticket._portal_ensure_token()

    def _page(self):
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}?access_token={self.ticket.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Attestation non reçue", response.text)
        return response.text

    def test_portal_page_shows_mediator(self):
        self.company.qualiopi_mediator_id = self.mediator
        page = self._page()
        self.assertIn('id="qualiopi_mediation_notice"', page)
        self.assertIn("Médiateur Portail Test", page)
        self.assertIn("https://mediateur-portail.example.org", page)
        self.assertIn("3 place du Portail, 31000 Toulouse", page)
        self.assertIn("L612-4", page)

    def test_portal_page_without_mediator(self):
        self.company.qualiopi_mediator_id = False
        page = self._page()
        self.assertNotIn('id="qualiopi_mediation_notice"', page)
