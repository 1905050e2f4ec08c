from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiRpcMixin

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestMediationSecurity(HttpCase, QualiopiRpcMixin, MediationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_mediator()
        with freeze_time("2026-03-02 09:00:00"):
            cls.ticket = cls.env["helpdesk.ticket"].create(
                cls._complaint_values(user_id=cls.user_qualiopi.id)
            )
        with freeze_time("2026-03-10 09:00:00"):
            cls.referral = cls.env["qualiopi.mediation.referral"].create(
                {
                    "ticket_id": cls.ticket.id,
                    "mediator_id": cls.mediator.id,
                    "mediator_reference": "MC-SECRET-1",
                    "summary": "<p>Proposition confidentielle du médiateur.</p>",
                }
            )

    def test_manager_writes_referral_files(self):
        referral = self.referral.with_user(self.user_manager)
        referral.mediator_reference = "MC-2026-7"
        self.assertEqual(self.referral.mediator_reference, "MC-2026-7")
        with freeze_time("2026-03-12 09:00:00"):
            other = self._create_referral(self.ticket, user=self.user_manager)
        self.assertEqual(other.company_id, self.company)
        self.assertTrue(self.ticket.with_user(self.user_manager).mediation_can_read_files)
        self.mediator.with_user(self.user_manager).phone = "+33 4 00 00 00 00"

    def test_auditor_reads_but_does_not_write(self):
        Referral = self.env["qualiopi.mediation.referral"].with_user(self.user_auditor)
        self.assertEqual(Referral.search([("ticket_id", "=", self.ticket.id)]), self.referral)
        referral = self.referral.with_user(self.user_auditor)
        self.assertEqual(referral.mediator_reference, "MC-SECRET-1")
        self.assertTrue(self.ticket.with_user(self.user_auditor).mediation_can_read_files)
        # Refused over RPC, as the auditor's client would call: the state
        # read afterwards is what the refused requests left.
        referrals_before = Referral.search_count([])
        for model, method, args in (
            (Referral._name, "write", [self.referral.ids, {"mediator_reference": "changed"}]),
            (
                Referral._name,
                "create",
                [{"ticket_id": self.ticket.id, "mediator_id": self.mediator.id}],
            ),
            ("qualiopi.mediator", "write", [self.mediator.ids, {"phone": "0"}]),
        ):
            self.assertRefusedOverRpc(AccessError, ".", self.user_auditor, model, method, args)
        self.assertEqual(self.referral.mediator_reference, "MC-SECRET-1")
        self.assertEqual(Referral.search_count([]), referrals_before)
        self.assertNotEqual(self.mediator.phone, "0")

    def test_plain_user_sees_only_the_state(self):
        ticket = self.ticket.with_user(self.user_qualiopi)
        self.assertEqual(ticket.mediation_state, "referred")
        self.assertEqual(ticket.mediation_referral_count, 1)
        self.assertFalse(ticket.mediation_can_read_files)
        self.env.invalidate_all()
        self.assertFalse(ticket.mediation_referral_ids)
        Referral = self.env["qualiopi.mediation.referral"].with_user(self.user_qualiopi)
        self.assertFalse(Referral.search([]))
        self.assertFalse(Referral.search_count([("ticket_id", "=", self.ticket.id)]))
        with self.assertRaises(AccessError):
            self.referral.with_user(self.user_qualiopi).mediator_reference  # noqa: B018
        with self.assertRaises(AccessError):
            self._create_referral(self.ticket, user=self.user_qualiopi)
        # The mediator's details are public: the user's emails print them.
        self.assertEqual(
            self.mediator.with_user(self.user_qualiopi).website,
            "https://mediateur-test.example.org",
        )
        with self.assertRaises(AccessError):
            self.mediator.with_user(self.user_qualiopi).phone = "0"

    def test_complaint_form_opens_for_every_role(self):
        for user in (self.user_qualiopi, self.user_auditor, self.user_manager):
            self.env.invalidate_all()
            form = Form(self.ticket.with_user(user))
            self.assertEqual(form.mediation_state, "referred")
            self.assertEqual(form.mediation_referral_count, 1)
            self.assertEqual(form.mediation_can_read_files, user != self.user_qualiopi)

    def test_employee_without_qualiopi_group_has_no_access(self):
        employee = new_test_user(self.env, login="mediation_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["qualiopi.mediation.referral"].with_user(employee).search([])

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Autre OF"})
        with freeze_time("2026-03-02 09:00:00"):
            other_ticket = self.env["helpdesk.ticket"].create(
                self._complaint_values(company_id=other_company.id, team_id=False, event_id=False)
            )
        other_mediator = self.mediator.copy(
            {"name": "Médiateur de l'autre OF", "company_id": other_company.id}
        )
        with freeze_time("2026-03-10 09:00:00"):
            other_referral = self.env["qualiopi.mediation.referral"].create(
                {"ticket_id": other_ticket.id, "mediator_id": other_mediator.id}
            )
        self.assertEqual(other_referral.company_id, other_company)
        tickets = self.ticket | other_ticket
        domain = [("ticket_id", "in", tickets.ids)]
        Referral = self.env["qualiopi.mediation.referral"].with_user(self.user_manager)
        self.assertEqual(Referral.search(domain), self.referral)
        Mediator = self.env["qualiopi.mediator"].with_user(self.user_manager)
        self.assertNotIn(other_mediator, Mediator.search([]))
        self.user_manager.company_ids = [(4, other_company.id)]
        Referral = Referral.with_context(allowed_company_ids=[self.company.id, other_company.id])
        self.assertEqual(Referral.search(domain), self.referral | other_referral)
