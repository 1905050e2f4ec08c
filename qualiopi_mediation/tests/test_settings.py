from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiRpcMixin

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestMediationSettings(HttpCase, QualiopiRpcMixin, MediationCommon):
    def _settings_warning(self):
        return Form(self.env["res.config.settings"]).qualiopi_mediator_missing

    def test_warning_when_individuals_trained_without_mediator(self):
        self.env["event.event"].search(
            [("company_id", "in", (self.company.id, False))]
        ).qualiopi_for_individuals = False
        self.env["helpdesk.ticket"].search(
            [("company_id", "=", self.company.id), ("qualiopi_funding_type", "in", ("cpf", "self"))]
        ).qualiopi_funding_type = "other"
        self.assertFalse(self._settings_warning(), "no individual: no warning")
        ticket = self._create_complaint(qualiopi_funding_type="cpf")
        self.assertTrue(ticket.qualiopi_is_consumer)
        self.assertTrue(ticket.qualiopi_mediator_missing)
        self.assertTrue(self._settings_warning())
        ticket.qualiopi_funding_type = "opco"
        self.assertFalse(self._settings_warning())
        self.event.qualiopi_for_individuals = True
        self.assertTrue(self._settings_warning(), "a session open to individuals")
        with Form(self.env["res.config.settings"]) as settings:
            settings.qualiopi_mediator_id = self.mediator
            self.assertFalse(settings.qualiopi_mediator_missing)
        self.assertEqual(self.company.qualiopi_mediator_id, self.mediator)
        self.assertFalse(self._settings_warning())

    def test_mediator_needs_website_and_postal_address(self):
        Mediator = self.env["qualiopi.mediator"]
        for values, pattern in (
            (
                {
                    "name": "Sans site",
                    "website": "mediateur.example.org",
                    "street": "1 rue A",
                    "zip": "75001",
                    "city": "Paris",
                },
                "must be a web address",
            ),
            (
                {"name": "Sans adresse", "website": "https://m.example.org"},
                "postal address .* is incomplete",
            ),
        ):
            self.assertRefusedOverRpc(
                ValidationError, pattern, self.user_manager, Mediator._name, "create", [values]
            )
        self.assertRefusedOverRpc(
            ValidationError,
            "cannot be dated in the future",
            self.user_manager,
            Mediator._name,
            "write",
            [self.mediator.ids, {"convention_date": "2999-01-01"}],
        )
        self.assertNotEqual(str(self.mediator.convention_date), "2999-01-01")
        self.assertFalse(Mediator.search([("name", "in", ("Sans site", "Sans adresse"))]))
        self.assertEqual(self.mediator.postal_address, "5 allée des Tests, 69003 Lyon, France")

    def test_public_pages_publish_the_company_mediator(self):
        self.company.qualiopi_mediator_id = False
        self.assertEqual(self.company._qualiopi_public_mediator(), {})
        self._set_mediator()
        details = self.company._qualiopi_public_mediator()
        self.assertEqual(details["name"], "Médiateur Conso Formation Test")
        self.assertEqual(details["website"], "https://mediateur-test.example.org")
        self.assertEqual(
            (details["street"], details["zip"], details["city"]),
            ("5 allée des Tests", "69003", "Lyon"),
        )
        self.assertEqual(details["country"], "France")
