import re

from odoo import Command
from odoo.tests import JsonRpcException, tagged

from .common import QualiopiHttpCommon
from .test_subcontract import SubcontractCommon


@tagged("post_install", "-at_install")
class TestSubcontractOverHttp(SubcontractCommon, QualiopiHttpCommon):
    """The partner organisation's contact as an attacker: logged in on the
    portal, calling the server as a browser or a script does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_subcontract()

    def setUp(self):
        super().setUp()
        self.shared._portal_ensure_token()
        self.env.flush_all()
        self._login(self.contact)

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_portal_lists_and_opens_only_the_shared_records(self):
        page = self.url_open("/my/tickets")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.shared.number, page.text)
        for ticket in (self.own, self.foreign, self.plain_ticket):
            self.assertNotIn(ticket.number, page.text)
        page = self.url_open(f"/my/ticket/{self.shared.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Salle trop petite", page.text)
        self.assertIn("o_qualiopi_shared_notice", page.text)
        # No link token that would outlive the sharing, no composer, no
        # contact details of the complainant, no close button.
        self.assertNotIn(self.shared.access_token, page.text)
        self.assertIn('data-allow_composer="0"', page.text)
        self.assertNotIn(self.trainee.email, page.text)
        self.assertNotIn("/ticket/close", page.text)
        # The direct URL of another record leads back to /my.
        for ticket in (self.own, self.foreign):
            page = self.url_open(f"/my/ticket/{ticket.id}")
            self.assertNotIn(ticket.name, page.text)
            self.assertTrue(page.url.endswith("/my"), page.url)

    def test_rpc_with_crafted_domains_reads_nothing_else(self):
        everything = ["|", ("id", "!=", 0), ("active", "in", [True, False])]
        records = self._rpc("helpdesk.ticket", "search_read", everything, fields=["name"])
        self.assertEqual([r["id"] for r in records], self.shared.ids)
        count = self._rpc(
            "helpdesk.ticket", "search_count", [("event_id", "in", self.sub_event.ids)]
        )
        self.assertEqual(count, 0)
        with self.assertRaises(JsonRpcException) as caught:
            self._rpc("helpdesk.ticket", "read", self.foreign.ids, ["name"])
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        with self.assertRaises(JsonRpcException) as caught:
            self._rpc("helpdesk.ticket", "write", self.shared.ids, {"name": "Piraté"})
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.env.invalidate_all()
        self.assertEqual(self.shared.name, "Salle trop petite")
        # Nor the sessions' settings, nor their contacts.
        with self.assertRaises(JsonRpcException):
            self._rpc("event.event", "read", self.event.ids, ["qualiopi_share_contact_ids"])

    def test_chatter_public_messages_only_and_no_posting(self):
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch", {"thread_model": "helpdesk.ticket", "thread_id": self.shared.id}
        )
        bodies = " ".join(m["body"] for m in fetched["data"]["mail.message"])
        self.assertIn("Nous avons changé de salle", bodies)
        self.assertNotIn("Note interne", bodies)
        messages = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "helpdesk.ticket", "thread_id": self.shared.id},
        )
        self.assertIn(self.public_message.id, messages["messages"])
        self.assertNotIn(self.note.id, messages["messages"])
        # Another record's messages: none, by either route.
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch", {"thread_model": "helpdesk.ticket", "thread_id": self.own.id}
        )
        self.assertEqual(fetched["messages"], [])
        messages = self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": "helpdesk.ticket", "thread_id": self.own.id}
        )
        self.assertEqual(messages["messages"], [])
        # Reading is all: no message, no reaction, no file.
        before = len(self.shared.message_ids)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": self.shared.id,
                    "post_data": {"body": "Message du donneur d'ordre", "message_type": "comment"},
                },
            )
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/reaction",
                {"message_id": self.public_message.id, "content": "👍", "action": "add"},
            )
        upload = self.url_open(
            "/mail/attachment/upload",
            data={
                "thread_id": self.shared.id,
                "thread_model": "helpdesk.ticket",
                "csrf_token": re.search(
                    r'csrf_token: "([^"]+)"', self.url_open("/my/tickets").text
                ).group(1),
            },
            files={"ufile": ("piece.txt", b"contenu", "text/plain")},
        )
        # Odoo answers a refused upload with an error in its JSON reply.
        self.assertIn("error", upload.json())
        self.env.invalidate_all()
        self.assertEqual(len(self.shared.message_ids), before)
        self.assertFalse(self.public_message.reaction_ids)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.shared.id)]
            )
        )
        init = self.make_jsonrpc_request(
            "/portal/chatter_init", {"thread_model": "helpdesk.ticket", "thread_id": self.shared.id}
        )
        thread = next(t for t in init["mail.thread"] if t["id"] == self.shared.id)
        self.assertFalse(thread["can_react"])

    def test_unsharing_revokes_over_http(self):
        self.assertEqual(self.url_open(f"/my/ticket/{self.shared.id}").status_code, 200)
        self.event.qualiopi_share_contact_ids = [Command.clear()]
        self.env.flush_all()
        page = self.url_open(f"/my/ticket/{self.shared.id}")
        self.assertNotIn("Salle trop petite", page.text)
        self.assertNotIn(self.shared.number, self.url_open("/my/tickets").text)
        self.assertEqual(self._rpc("helpdesk.ticket", "search", [("id", "=", self.shared.id)]), [])
