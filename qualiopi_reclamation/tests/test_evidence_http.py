import base64

from odoo import Command, fields, http
from odoo.tests import JsonRpcException, tagged

from .common import QualiopiHttpCommon


@tagged("post_install", "-at_install")
class TestEvidenceOverHttp(QualiopiHttpCommon):
    """What an auditor, a user or a manager can do to the evidence by calling the
    server as a browser would. Each refused call is followed by a check of the
    database in the state the request left it (a refused request rolls back its
    whole transaction, exactly as on a live server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_auto_ack = False
        cls.ticket = cls.env["helpdesk.ticket"].create(
            cls._complaint_values(
                name="Formation annulée sans préavis",
                description="<p>La session a été annulée la veille.</p>",
                received_date=fields.Datetime.now(),
            )
        )
        cls.action = cls.env["qualiopi.improvement.action"].create(
            {
                "name": "Prévenir les stagiaires une semaine avant",
                "ticket_ids": [Command.link(cls.ticket.id)],
                "date_deadline": "2030-12-31",
            }
        )
        # The auditor follows the record and has an activity on it: the mail
        # rules let a follower post, and anyone mark done their own activity.
        cls.ticket.message_subscribe(partner_ids=cls.user_auditor.partner_id.ids)
        cls.activity = cls.ticket.activity_schedule(
            "mail.mail_activity_data_todo", summary="Relire", user_id=cls.user_auditor.id
        )

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _assert_refused(self, route, params, error="odoo.exceptions.AccessError"):
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(route, params)
        self.assertEqual(caught.exception.args[0], error)

    def _assert_call_refused(self, model, method, *args, error="odoo.exceptions.AccessError", **kw):
        self._assert_refused(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kw},
            error=error,
        )

    def _snapshot(self):
        self.env.invalidate_all()
        ticket = self.ticket
        return {
            "messages": self.env["mail.message"].search_count([]),
            "attachments": self.env["ir.attachment"].search_count(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            ),
            "activities": self.env["mail.activity"].search_count([]),
            "actions": self.env["qualiopi.improvement.action"].search_count([]),
            "scheduled": self.env["mail.scheduled.message"].search_count([]),
            "ticket": ticket.read(
                ["ack_date", "response_date", "stage_id", "received_date", "qualiopi_root_cause"]
            ),
            "activity": self.activity.exists().read(["active", "summary"]),
        }

    def test_auditor_writes_nothing_over_rpc(self):
        before = self._snapshot()
        self._login(self.user_auditor)
        ticket_id, action_id = self.ticket.id, self.action.id
        # Chatter: message, note, through the ORM and the mail routes.
        self._assert_call_refused("helpdesk.ticket", "message_post", [ticket_id], body="Vu")
        self._assert_call_refused(
            "helpdesk.ticket",
            "message_post",
            [ticket_id],
            body="Note",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._assert_call_refused(
            "mail.message",
            "create",
            [
                {
                    "model": "helpdesk.ticket",
                    "res_id": ticket_id,
                    "body": "x",
                    "message_type": "comment",
                }
            ],
        )
        self._assert_call_refused(
            "qualiopi.improvement.action", "message_post", [action_id], body="Vu"
        )
        self._assert_refused(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket_id,
                "post_data": {"body": "Vu", "message_type": "comment"},
            },
        )
        self._assert_refused(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket_id,
                "post_data": {
                    "body": "Note",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_note",
                },
            },
        )
        upload = self.url_open(
            "/mail/attachment/upload",
            data={
                "thread_id": ticket_id,
                "thread_model": "helpdesk.ticket",
                "csrf_token": http.Request.csrf_token(self),
            },
            files={"ufile": ("preuve.txt", b"ajout de l'auditeur", "text/plain")},
        )
        self.assertEqual(upload.status_code, 403)
        # Activities: scheduled, changed, marked done.
        self._assert_call_refused(
            "helpdesk.ticket", "activity_schedule", [ticket_id], summary="À voir"
        )
        self._assert_call_refused(
            "mail.activity",
            "create",
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                    "res_id": ticket_id,
                    "summary": "À voir",
                }
            ],
        )
        self._assert_call_refused("mail.activity", "action_feedback", [self.activity.id])
        self._assert_call_refused("mail.activity", "action_done", [self.activity.id])
        self._assert_call_refused(
            "mail.activity", "write", [self.activity.id], {"summary": "Changé"}
        )
        self._assert_call_refused("mail.activity", "unlink", [self.activity.id])
        # The composer, and a message scheduled for later (posted as superuser).
        composer_values = {
            "model": "helpdesk.ticket",
            "res_ids": [ticket_id],
            "body": "<p>Réponse de l'auditeur</p>",
            "composition_mode": "comment",
            "partner_ids": [Command.link(self.trainee.id)],
        }
        composer_id = self._call("mail.compose.message", "create", [composer_values])[0]
        self._assert_call_refused("mail.compose.message", "action_send_mail", [composer_id])
        self._assert_call_refused(
            "mail.scheduled.message",
            "create",
            [
                {
                    "model": "helpdesk.ticket",
                    "res_id": ticket_id,
                    "body": "<p>Plus tard</p>",
                    "scheduled_date": "2099-01-01 10:00:00",
                }
            ],
        )
        # The record's own actions and fields.
        self._assert_call_refused("helpdesk.ticket", "action_qualiopi_acknowledge", [ticket_id])
        self._assert_call_refused("helpdesk.ticket", "action_qualiopi_send_response", [ticket_id])
        self._assert_call_refused(
            "helpdesk.ticket", "action_qualiopi_record_acknowledgement", [ticket_id]
        )
        self._assert_call_refused("helpdesk.ticket", "action_qualiopi_record_response", [ticket_id])
        self._assert_call_refused(
            "helpdesk.ticket", "action_qualiopi_create_improvement_action", [ticket_id]
        )
        self._assert_call_refused(
            "helpdesk.ticket",
            "write",
            [ticket_id],
            {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id},
        )
        self._assert_call_refused(
            "qualiopi.improvement.action", "create", [{"name": "x", "date_deadline": "2030-01-01"}]
        )
        self._assert_call_refused(
            "qualiopi.acknowledge.wizard",
            "create",
            [{"ticket_id": ticket_id, "ack_method": "letter"}],
        )
        # The chatter shows the auditor no composer.
        data = self.make_jsonrpc_request(
            "/mail/thread/data",
            {"thread_model": "helpdesk.ticket", "thread_id": ticket_id, "request_list": []},
        )
        thread = next(t for t in data["mail.thread"] if t["id"] == ticket_id)
        self.assertFalse(thread["hasWriteAccess"])
        self.assertFalse(thread["canPostOnReadonly"])
        self.assertEqual(self._snapshot(), before)

    def test_user_cannot_type_evidence_dates(self):
        self._login(self.user_qualiopi)
        ticket_id = self.ticket.id
        now = fields.Datetime.to_string(fields.Datetime.now())
        for field_name in ("ack_date", "response_date"):
            self._assert_call_refused("helpdesk.ticket", "write", [ticket_id], {field_name: now})
        self._assert_call_refused(
            "helpdesk.ticket", "write", [ticket_id], {"received_date": "2020-01-01 10:00:00"}
        )
        # No context key opens the door.
        self._assert_call_refused(
            "helpdesk.ticket",
            "write",
            [ticket_id],
            {"response_date": now},
            context={"qualiopi_evidence_correction": True, "tracking_disable": True},
        )
        self.env.invalidate_all()
        self.assertFalse(self.ticket.ack_date)
        self.assertFalse(self.ticket.response_date)
        # Other fields stay editable by the user.
        self._call(
            "helpdesk.ticket", "write", [ticket_id], {"qualiopi_root_cause": "Annulation tardive"}
        )
        self.env.invalidate_all()
        self.assertEqual(self.ticket.qualiopi_root_cause, "Annulation tardive")

    def test_manager_changes_evidence_only_through_correction(self):
        self.ticket.sudo().write({"ack_date": self.ticket.received_date, "ack_method": "letter"})
        self._login(self.user_manager)
        self._assert_call_refused(
            "helpdesk.ticket", "write", [self.ticket.id], {"ack_date": "2020-01-01 10:00:00"}
        )
        self._login(self.user_qualiopi)
        self._assert_call_refused(
            "qualiopi.evidence.correction.wizard",
            "create",
            [
                {
                    "ticket_id": self.ticket.id,
                    "field_name": "ack_date",
                    "new_date": "2020-01-01",
                    "reason": "x",
                }
            ],
        )
        self.env.invalidate_all()
        self.assertEqual(self.ticket.ack_date, self.ticket.received_date)

    def test_auditor_cannot_answer_with_a_letter(self):
        self._login(self.user_auditor)
        self._assert_call_refused(
            "qualiopi.response.wizard",
            "create",
            [
                {
                    "ticket_id": self.ticket.id,
                    "response_method": "letter",
                    "letter_file": base64.b64encode(b"%PDF-1.4 lettre").decode(),
                }
            ],
        )
        self.env.invalidate_all()
        self.assertFalse(self.ticket.response_date)

    def test_annual_review_approved_by_manager_only(self):
        review = self.env["qualiopi.annual.review"].create({"year": 2011})
        self._login(self.user_qualiopi)
        approval = {
            "state": "approved",
            "approver_id": self.user_qualiopi.id,
            "approval_date": "2026-01-15",
        }
        self._assert_call_refused("qualiopi.annual.review", "write", [review.id], approval)
        self._assert_call_refused(
            "qualiopi.annual.review",
            "write",
            [review.id],
            approval,
            context={"qualiopi_review_approving": True},
        )
        self._assert_call_refused(
            "qualiopi.annual.review",
            "write",
            [review.id],
            {"figures_html": '<img src="x" onerror="alert(1)">'},
        )
        self._assert_call_refused(
            "qualiopi.annual.review", "create", [{"year": 2012, "state": "approved"}]
        )
        self._assert_call_refused("qualiopi.annual.review", "action_approve", [review.id])
        self.env.invalidate_all()
        self.assertEqual(review.state, "draft")
        self.assertFalse(review.approver_id)
        self.assertFalse(review.figures_html)
        self.assertFalse(self.env["qualiopi.annual.review"].search([("year", "=", 2012)]))
        # The analysis stays the user's to write.
        self._call("qualiopi.annual.review", "write", [review.id], {"analysis": "<p>Bilan</p>"})
