from freezegun import freeze_time

from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMediationAuditorOverHttp(HttpCase):
    """The auditor reads the mediation referrals and writes nothing in them, even
    as a follower (the mail rules let a follower post), whatever the route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.qualiopi_auto_ack = False
        cls.user_auditor = new_test_user(
            cls.env,
            login="med_auditor",
            email="med_auditor@example.com",
            groups="qualiopi_reclamation.group_qualiopi_auditor",
        )
        mediator = cls.env["qualiopi.mediator"].create(
            {
                "name": "Médiateur Audit Test",
                "website": "https://mediateur-audit.example.org",
                "street": "1 rue de l'Audit",
                "zip": "69000",
                "city": "Lyon",
            }
        )
        partner = cls.env["res.partner"].create(
            {"name": "Rita Réclamante", "email": "rita@example.com"}
        )
        with freeze_time("2026-03-02 09:00:00"):
            ticket = cls.env["helpdesk.ticket"].create(
                {
                    "name": "Report refusé",
                    "description": "<p>Report de session refusé.</p>",
                    "qualiopi_nature": "complaint",
                    "stakeholder_type": "trainee",
                    "partner_id": partner.id,
                }
            )
        with freeze_time("2026-03-10 09:00:00"):
            cls.referral = cls.env["qualiopi.mediation.referral"].create(
                {"ticket_id": ticket.id, "mediator_id": mediator.id}
            )
        cls.referral.message_subscribe(partner_ids=cls.user_auditor.partner_id.ids)

    def _assert_call_refused(self, model, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def _state(self):
        self.env.invalidate_all()
        return (
            self.env["mail.message"].search_count([]),
            self.env["mail.activity"].search_count([]),
            self.referral.read(["state", "outcome_date"]),
        )

    def test_auditor_writes_nothing_in_referrals(self):
        before = self._state()
        referral_id = self.referral.id
        self.authenticate("med_auditor", "med_auditor")
        model = "qualiopi.mediation.referral"
        self._assert_call_refused(model, "message_post", [referral_id], body="Vu")
        self._assert_call_refused(
            "mail.message",
            "create",
            [{"model": model, "res_id": referral_id, "body": "Vu", "message_type": "comment"}],
        )
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": model,
                    "thread_id": referral_id,
                    "post_data": {"body": "Vu", "message_type": "comment"},
                },
            )
        self._assert_call_refused(model, "activity_schedule", [referral_id], summary="À voir")
        for action in ("action_start", "action_agreement", "action_withdrawn"):
            self._assert_call_refused(model, action, [referral_id])
        self.assertEqual(self._state(), before)
