from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiRpcMixin

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestConfidentialReferralOverHttp(HttpCase, QualiopiRpcMixin, MediationCommon):
    """The referral of a confidential case says whose case went to the mediator:
    over JSON-RPC, only the referents and the complainant read it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_referent = new_test_user(
            cls.env,
            login="med_referent",
            # Referrals are the managers' and the auditors' files.
            groups="qualiopi_reclamation.group_qualiopi_manager,"
            "qualiopi_reclamation.group_qualiopi_confidential",
        )
        cls.confidential = (
            cls.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(
                cls._complaint_values(
                    name="Harcèlement en session",
                    qualiopi_confidential=True,
                    qualiopi_confidential_reason="harassment",
                )
            )
        )
        cls.plain = (
            cls.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(cls._complaint_values(name="Salle trop froide"))
        )
        cls.secret_referral = cls.env["qualiopi.mediation.referral"].create(
            {"ticket_id": cls.confidential.id, "mediator_id": cls.mediator.id}
        )
        cls.plain_referral = cls.env["qualiopi.mediation.referral"].create(
            {"ticket_id": cls.plain.id, "mediator_id": cls.mediator.id}
        )

    def _referral_ids(self, user, domain):
        reply = self._call_kw(
            user, "qualiopi.mediation.referral", "search_read", [domain], {"fields": ["name"]}
        )
        self.assertIn("result", reply, reply)
        return [row["id"] for row in reply["result"]]

    def test_hidden_from_all_but_referents(self):
        # The users who read the referral files (a plain Qualiopi user reads none).
        for user in (self.user_manager, self.user_auditor):
            with self.subTest(user=user.login):
                ids = self._referral_ids(user, [])
                self.assertIn(self.plain_referral.id, ids)
                self.assertNotIn(self.secret_referral.id, ids)
                # Searching on the case's flag or name finds nothing either.
                self.assertFalse(
                    self._referral_ids(user, [("ticket_id.qualiopi_confidential", "=", True)])
                )
                reply = self._call_kw(
                    user,
                    "qualiopi.mediation.referral",
                    "read",
                    [self.secret_referral.ids, ["ticket_id"]],
                )
                self.assertIn("error", reply, "a direct read is refused")
        self.assertIn(
            self.secret_referral.id, self._referral_ids(self.user_referent, []), "the referent"
        )
