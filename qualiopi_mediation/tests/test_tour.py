from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMediationTour(HttpCase):
    """In the browser: 'Refer to mediation' on a complaint, then save."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="mediation_tour_manager",
            name="Martine Médiation",
            groups="qualiopi_reclamation.group_qualiopi_manager",
        )
        cls.mediator = cls.env["qualiopi.mediator"].create(
            {
                "name": "Médiateur Tour",
                "website": "https://mediateur-tour.example.org",
                "street": "1 rue du Tour",
                "zip": "13001",
                "city": "Marseille",
            }
        )
        cls.env.company.qualiopi_mediator_id = cls.mediator
        partner = cls.env["res.partner"].create(
            {"name": "Tina Tour", "email": "tina.tour@example.com"}
        )
        cls.ticket = (
            cls.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(
                {
                    "name": "Mediation tour complaint",
                    "description": "<p>Désaccord sur le remboursement.</p>",
                    "qualiopi_nature": "complaint",
                    "stakeholder_type": "trainee",
                    "partner_id": partner.id,
                    "received_date": "2026-01-05 09:00:00",
                    "ack_date": "2026-01-05 10:00:00",
                    "ack_method": "letter",
                }
            )
        )

    def test_refer_to_mediation_in_the_browser(self):
        self.start_tour(
            f"/odoo/helpdesk.ticket/{self.ticket.id}",
            "qualiopi_mediation_referral_tour",
            login="mediation_tour_manager",
        )
        referral = self.ticket.sudo().mediation_referral_ids
        self.assertEqual(len(referral), 1)
        self.assertEqual(referral.mediator_reference, "MC-TOUR-1")
        self.assertEqual(referral.mediator_id, self.mediator)
        self.assertEqual(referral.user_id, self.manager)
        self.assertEqual(self.ticket.mediation_state, "referred")
