import datetime
import io
import zipfile

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessDenied, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import QualiopiCommon


class AuditorAccessCommon(QualiopiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_event = cls.env["event.event"].create(
            {
                "name": "Session hors périmètre",
                "date_begin": "2026-03-09 08:00:00",
                "date_end": "2026-03-10 16:00:00",
                "company_id": cls.company.id,
            }
        )
        cls.ticket_in = cls.env["helpdesk.ticket"].create(
            cls._complaint_values(name="Dans le périmètre")
        )
        cls.ticket_out = cls.env["helpdesk.ticket"].create(
            cls._complaint_values(name="Hors périmètre", event_id=cls.other_event.id)
        )
        cls.external = new_test_user(
            cls.env,
            login="auditeur.externe@example.com",
            password="auditeur.externe@example.com",
            name="Élise Externe",
            email="auditeur.externe@example.com",
            groups="qualiopi_reclamation.group_qualiopi_auditor",
        )
        # As the invitation leaves it (test_invite_by_email checks that).
        cls.external.sudo().qualiopi_external_auditor = True

    @classmethod
    def _access(cls, date_from, date_to, events=None):
        return (
            cls.env["qualiopi.auditor.access"]
            .with_user(cls.user_manager)
            .create(
                {
                    "user_id": cls.external.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "company_id": cls.company.id,
                    "event_ids": [Command.set((events or cls.event).ids)],
                }
            )
        )


@tagged("post_install", "-at_install")
class TestAuditorAccessExpiry(AuditorAccessCommon, HttpCase):
    """HttpCase for its test cursor: ``authenticate`` opens its own cursor,
    which then sees the test's data."""

    def _login(self):
        return self.env["res.users"].authenticate(
            self.env.cr.dbname,
            {"login": self.external.login, "password": self.external.login, "type": "password"},
            {"interactive": False},
        )

    def test_login_only_during_the_access(self):
        with freeze_time("2026-03-01 10:00:00"):
            access = self._access("2026-03-10", "2026-03-20")
        with freeze_time("2026-03-09 12:00:00"), self.assertRaises(AccessDenied):
            self._login()
        with freeze_time("2026-03-10 08:00:00"):
            self.assertEqual(self._login()["uid"], self.external.id)
        # Last day, late in the evening in Paris (22:30 UTC = 23:30 local).
        with freeze_time("2026-03-20 22:30:00"):
            self.assertEqual(self._login()["uid"], self.external.id)
        # Midnight passed in Paris: refused.
        with freeze_time("2026-03-20 23:30:00"), self.assertRaises(AccessDenied):
            self._login()
        # The cron ends the access: the user is archived and loses the group.
        with freeze_time("2026-03-21 01:00:00"):
            self.env["qualiopi.auditor.access"]._cron_qualiopi_expire()
        self.assertFalse(access.active)
        self.assertFalse(self.external.active)
        self.assertFalse(self.external.has_group("qualiopi_reclamation.group_qualiopi_auditor"))
        with freeze_time("2026-03-21 09:00:00"), self.assertRaises(AccessDenied):
            self._login()

    def test_invite_by_email(self):
        with self.mock_mail_gateway():
            access = (
                self.env["qualiopi.auditor.access"]
                .with_user(self.user_manager)
                .action_invite(
                    "Paul Certif",
                    "paul@certif.example.com",
                    "2026-03-10",
                    "2026-03-20",
                    event_ids=self.event.ids,
                )
            )
        user = access.user_id
        self.assertEqual(user.login, "paul@certif.example.com")
        self.assertTrue(user.has_group("qualiopi_reclamation.group_qualiopi_auditor"))
        self.assertFalse(user.has_group("qualiopi_reclamation.group_qualiopi_user"))
        self.assertEqual(access.event_ids, self.event)
        self.assertTrue(user.qualiopi_external_auditor)
        self.assertTrue(user.qualiopi_auditor_restricted)
        self.assertTrue(
            any(user.email in " ".join(mail["email_to"]) for mail in self._mails),
            "the invitation is sent",
        )
        # A second access for the same auditor reuses the login; a member of
        # staff's address is refused.
        with self.mock_mail_gateway():
            again = (
                self.env["qualiopi.auditor.access"]
                .with_user(self.user_manager)
                .action_invite("Paul Certif", "paul@certif.example.com", "2026-04-01", "2026-04-02")
            )
        self.assertEqual(again.user_id, user)
        with self.assertRaises(UserError):
            self.env["qualiopi.auditor.access"].with_user(self.user_manager).action_invite(
                "Staff", self.user_auditor.login, "2026-03-10", "2026-03-20"
            )
        with self.assertRaises(UserError):
            self.env["qualiopi.auditor.access"].with_user(self.user_qualiopi).action_invite(
                "X", "x@example.com", "2026-03-10", "2026-03-20"
            )

    def test_staff_auditor_not_restricted(self):
        """The internal auditor (no access record) logs in as before and sees
        every record."""
        self.assertFalse(self.user_auditor.qualiopi_auditor_restricted)
        tickets = (
            self.env["helpdesk.ticket"]
            .with_user(self.user_auditor)
            .search([("id", "in", (self.ticket_in | self.ticket_out).ids)])
        )
        self.assertEqual(tickets, self.ticket_in | self.ticket_out)

    def test_scope_in_orm(self):
        with freeze_time("2026-03-12 10:00:00"):
            self._access("2026-03-10", "2026-03-20")
            Ticket = self.env["helpdesk.ticket"].with_user(self.external)
            self.assertEqual(
                Ticket.search([("id", "in", (self.ticket_in | self.ticket_out).ids)]),
                self.ticket_in,
            )
            Event = self.env["event.event"].with_user(self.external)
            self.assertEqual(
                Event.search([("id", "in", (self.event | self.other_event).ids)]), self.event
            )


@tagged("post_install", "-at_install")
class TestAuditorAccessHttp(AuditorAccessCommon, HttpCase):
    """Over RPC, as the auditor's browser would: the scope, the log, and
    nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["res.users"].with_context(tz="Europe/Paris"))
        cls.access = cls._access(
            today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
        )

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _logs(self):
        return self.env["qualiopi.auditor.access.log"].search([("user_id", "=", self.external.id)])

    def test_scope_and_log(self):
        self.authenticate(self.external.login, self.external.login)
        result = self._call(
            "helpdesk.ticket",
            "web_search_read",
            [("id", "in", (self.ticket_in | self.ticket_out).ids)],
            {"name": {}},
        )
        self.assertEqual([r["id"] for r in result["records"]], self.ticket_in.ids)
        with self.assertRaises(JsonRpcException) as error:
            self._call("helpdesk.ticket", "web_read", self.ticket_out.ids, {"name": {}})
        self.assertIn("AccessError", str(error.exception.args))
        with self.assertRaises(JsonRpcException):
            self._call("event.event", "read", self.other_event.ids, ["name"])
        self._call("helpdesk.ticket", "web_read", self.ticket_in.ids, {"name": {}})
        logs = self._logs()
        self.assertEqual(
            [(log.action, log.res_model, log.res_ids) for log in logs.sorted("id")],
            [
                ("list", "helpdesk.ticket", str(self.ticket_in.id)),
                ("open", "helpdesk.ticket", str(self.ticket_in.id)),
            ],
        )
        self.assertEqual(logs.access_id, self.access)
        self.assertTrue(all(log.name == self.ticket_in.display_name for log in logs))
        # The organisation's managers read the log; the auditor does not.
        self.assertEqual(
            self.env["qualiopi.auditor.access.log"]
            .with_user(self.user_manager)
            .search_count([("user_id", "=", self.external.id)]),
            2,
        )
        with self.assertRaises(JsonRpcException):
            self._call("qualiopi.auditor.access.log", "search_read", [], ["name"])

    def test_raw_rpc_reads_logged(self):
        """Not only the web client's reads: a raw ``read`` or ``search_read``
        is logged too, and no context the client sends switches the log off."""
        self.authenticate(self.external.login, self.external.login)
        self._call("helpdesk.ticket", "read", self.ticket_in.ids, ["name"])
        self._call(
            "helpdesk.ticket",
            "search_read",
            [("id", "in", (self.ticket_in | self.ticket_out).ids)],
            ["name"],
            context={"qualiopi_auditor_listing": True},
        )
        self._call(
            "event.event",
            "read",
            self.event.ids,
            ["name"],
            context={"qualiopi_auditor_listing": True},
        )
        self.assertEqual(
            [(log.action, log.res_model, log.res_ids) for log in self._logs().sorted("id")],
            [
                ("open", "helpdesk.ticket", str(self.ticket_in.id)),
                ("list", "helpdesk.ticket", str(self.ticket_in.id)),
                ("open", "event.event", str(self.event.id)),
            ],
        )

    def test_file_download_logged(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "lettre-reponse.pdf",
                "raw": b"%PDF-1.4 reponse",
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket_in.id,
            }
        )
        self.authenticate(self.external.login, self.external.login)
        response = self.url_open(f"/web/content/{attachment.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 reponse")
        logs = self._logs()
        self.assertEqual(
            [(log.action, log.res_model, log.res_ids, log.name) for log in logs],
            [("download", "ir.attachment", str(attachment.id), "lettre-reponse.pdf")],
        )
        self.assertEqual(logs.access_id, self.access)

    def test_staff_never_given_an_access(self):
        """An access is for the login an invitation created: given to a member
        of staff, its end would lock them out; refused, over RPC as the
        manager's browser would send it."""
        staff = new_test_user(self.env, login="staff.commercial", groups="base.group_user")
        self.authenticate(self.user_manager.login, self.user_manager.login)
        for user in (staff, self.user_auditor):
            with self.subTest(user=user.login), self.assertRaises(JsonRpcException) as error:
                self._call(
                    "qualiopi.auditor.access",
                    "create",
                    [{"user_id": user.id, "date_from": "2026-01-01", "date_to": "2026-01-02"}],
                )
            self.assertIn("UserError", str(error.exception.args))
        self.env.invalidate_all()
        self.assertFalse(
            self.env["qualiopi.auditor.access"]
            .with_context(active_test=False)
            .search([("user_id", "in", (staff | self.user_auditor).ids)])
        )
        self.assertTrue(staff.active)
        self.assertFalse(staff.qualiopi_auditor_restricted)

    def _pack(self, **values):
        """A pack of 2026 asked for by a Qualiopi user."""
        return (
            self.env["qualiopi.evidence.pack"]
            .with_user(self.user_qualiopi)
            .create({"date_from": "2026-01-01", "date_to": "2026-12-31", **values})
        )

    def test_pack_download_logged_and_scoped(self):
        in_scope = self._pack(event_ids=[Command.set(self.event.ids)], lang="en_US")
        whole = self._pack(lang="en_US")
        (in_scope | whole).action_build()
        self.env["qualiopi.evidence.pack"]._cron_qualiopi_build_packs()
        self.assertEqual((in_scope | whole).mapped("state"), ["done", "done"])
        self.authenticate(self.external.login, self.external.login)
        response = self.url_open(f"/qualiopi/evidence_pack/{in_scope.id}/download")
        self.assertEqual(response.status_code, 200)
        self.assertIn("manifest.json", zipfile.ZipFile(io.BytesIO(response.content)).namelist())
        response = self.url_open(f"/qualiopi/evidence_pack/{whole.id}/download")
        self.assertNotEqual(response.status_code, 200)
        logs = self._logs().filtered(lambda log: log.action == "download")
        self.assertEqual(logs.res_ids, str(in_scope.id))
        self.assertEqual(logs.name, in_scope.attachment_id.name)

    def test_auditor_writes_nothing(self):
        pack = self._pack(event_ids=[Command.set(self.event.ids)])
        self.authenticate(self.external.login, self.external.login)
        attempts = [
            ("qualiopi.evidence.pack", "write", [pack.ids, {"date_to": "2026-01-31"}]),
            ("qualiopi.evidence.pack", "action_build", [pack.ids]),
            ("qualiopi.evidence.pack", "unlink", [pack.ids]),
            (
                "qualiopi.evidence.pack",
                "create",
                [{"date_from": "2026-01-01", "date_to": "2026-01-31"}],
            ),
            ("qualiopi.auditor.access", "write", [self.access.ids, {"date_to": "2030-12-31"}]),
            ("qualiopi.auditor.access", "unlink", [self.access.ids]),
            (
                "qualiopi.auditor.access",
                "create",
                [{"user_id": self.external.id, "date_from": "2026-01-01", "date_to": "2030-12-31"}],
            ),
            (
                "qualiopi.auditor.access",
                "action_invite",
                ["X", "x@example.com", "2026-01-01", "2030-12-31"],
            ),
            ("helpdesk.ticket", "write", [self.ticket_in.ids, {"name": "changed"}]),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method), self.assertRaises(JsonRpcException):
                self._call(model, method, *args)
        # Checked in the transaction the requests used: nothing was written.
        self.env.invalidate_all()
        self.assertEqual(str(pack.date_to), "2026-12-31")
        self.assertEqual(pack.state, "draft")
        self.assertEqual(self.access.date_to, self.access.date_from + datetime.timedelta(days=2))
        self.assertEqual(self.ticket_in.name, "Dans le périmètre")
        self.assertEqual(
            self.env["qualiopi.auditor.access"]
            .with_context(active_test=False)
            .search_count([("user_id", "=", self.external.id)]),
            1,
        )
        self.assertFalse(self.env["res.users"].search([("login", "=", "x@example.com")]))
