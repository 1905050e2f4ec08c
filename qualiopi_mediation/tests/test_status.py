from freezegun import freeze_time

from odoo.tests import tagged

from .common import MediationCommon


@tagged("post_install", "-at_install")
class TestMediationStatus(MediationCommon):
    """A complaint referred to the mediator shows "In mediation" while the
    referral is open, and its stage still decides whether it is closed."""

    def test_in_mediation_while_the_referral_is_open(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
            self._record_answer(ticket)
        self.assertEqual(ticket.qualiopi_status, "answered")
        with freeze_time("2026-03-10 09:00:00"):
            referral = self._create_referral(ticket)
            self.assertEqual(ticket.qualiopi_status, "mediation")
            referral.action_start()
            self.assertEqual(ticket.qualiopi_status, "mediation")
            referral.action_agreement()
            self.assertEqual(ticket.qualiopi_status, "answered", "the mediation is over")
            referral.action_reopen()
            self.assertEqual(ticket.qualiopi_status, "mediation")
            ticket.stage_id = self.stage_done
            self.assertEqual(ticket.qualiopi_status, "closed", "a closed stage reads closed")
