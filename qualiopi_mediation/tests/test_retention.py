from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestRetentionUnderMediation(MediationCommon):
    """A closed complaint under mediation keeps its personal data, whatever
    its age; once the mediation is over, it is anonymised with its referral."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_mediator()
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def _cron(self):
        return self.env["helpdesk.ticket"]._cron_qualiopi_retention()

    def test_under_mediation_skipped_then_anonymised(self):
        with freeze_time("2026-01-12 10:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint(qualiopi_founded="unfounded")
            self._record_answer(ticket)
            ticket.stage_id = self.stage_done
            referral = self._create_referral(
                ticket, summary="<p>Marie Durand conteste le refus de remboursement.</p>"
            )
            referral.message_post(body="<p>Dossier de Marie Durand transmis.</p>")
        self.assertEqual(referral.state, "referred")
        with freeze_time("2029-02-01 10:00:00"):
            self.assertNotIn(ticket, self._cron())
        self.assertFalse(ticket.qualiopi_anonymised_date)
        self.assertEqual(ticket.partner_id, self.trainee)
        self.assertIn("Marie Durand", referral.summary)
        # Nor by hand: the manager is told why.
        with self.assertRaisesRegex(UserError, "under mediation"):
            ticket.with_user(self.user_manager)._qualiopi_anonymise()
        self.assertEqual(ticket.partner_id, self.trainee)
        with freeze_time("2029-02-01 10:00:00"):
            referral.write({"state": "no_agreement", "outcome_date": "2029-02-01"})
        with freeze_time("2029-02-02 10:00:00"):
            self.assertIn(ticket, self._cron())
        self.assertTrue(ticket.qualiopi_anonymised_date)
        self.assertFalse(ticket.partner_id)
        self.assertFalse(referral.summary)
        self.assertFalse(referral.message_ids.filtered(lambda m: "Durand" in (m.body or "")))
        # The register keeps the mediation's line.
        self.assertEqual(referral.state, "no_agreement")
        self.assertEqual(ticket.mediation_state, "no_agreement")
