from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiRpcMixin

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestMediationFrench(HttpCase, QualiopiRpcMixin, MediationCommon):
    """French complainants read the notice, French users the errors, in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["qualiopi_mediation"], ["fr_FR"])
        cls._set_mediator()

    def test_notice_in_the_complainant_language(self):
        ticket = self._create_complaint()
        notice = ticket.with_context(lang="fr_FR").qualiopi_mediation_notice_html
        self.assertIn("Médiation", notice)
        self.assertIn("réclamation écrite préalable", notice)
        self.assertIn("dans un délai d'un an", str(notice).replace("&#39;", "'"))
        self.assertIn("gratuite pour vous", notice)
        self.assertIn("L612-4", notice)
        self.assertIn(self.mediator.website, notice)

    @freeze_time("2026-03-10 09:00:00")
    def test_bad_input_refused_in_french(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        Referral = self.env["qualiopi.mediation.referral"].with_context(lang="fr_FR")
        with self._assert_refused(ValidationError, "est dans le futur"):
            Referral.create(
                {
                    "ticket_id": ticket.id,
                    "mediator_id": self.mediator.id,
                    "referral_date": "2026-03-11",
                }
            )
        referral = Referral.create(
            {"ticket_id": ticket.id, "mediator_id": self.mediator.id, "referral_date": "2026-03-05"}
        )
        self.assertRefusedOverRpc(
            ValidationError,
            "ne peut pas être antérieure à sa date de saisine",
            self.user_manager,
            Referral._name,
            "write",
            [referral.ids, {"state": "agreement", "outcome_date": "2026-03-04"}],
            {"context": {"lang": "fr_FR"}},
        )
        self.assertEqual(ticket.mediation_referral_ids, referral)
        self.assertFalse(referral.outcome_date)
