import io
import json
import re
import zipfile

from odoo import Command
from odoo.tests import Form, HttpCase, new_test_user

from odoo.addons.mail.tests.common import MailCommon

# Files as a visitor sends them: the smallest valid PNG, and the bare
# signatures of the compound and zip formats, enough for the server's checks.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504


def ole2(stream):
    """A compound file whose directory names this stream (enough for a signature check)."""
    return OLE2 + stream.encode("utf-16-le") + b"\x00" * 64


def office_zip(*parts):
    """A zip archive of these parts (a .docx holds [Content_Types].xml and word/document.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in parts:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


# A valid submission of the public form: every field of the contract but the files.
PUBLIC_FORM_VALUES = {
    "partner_name": "Jeanne Visiteuse",
    "partner_email": "jeanne.visiteuse@example.com",
    "partner_phone": "+33 6 12 34 56 78",
    "stakeholder_type": "trainee",
    "qualiopi_nature": "complaint",
    "training_reference": "Excel avancé",
    "description": "Le support de cours n'a jamais été envoyé.",
    "consent": "1",
}


class QualiopiCommon(MailCommon):
    """A training organisation working Monday to Friday, 8:00-12:00 and
    13:00-17:00 in Paris, with a session, a trainee and one user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Horaires Paris 35h",
                "tz": "Europe/Paris",
                "company_id": cls.company.id,
                "attendance_ids": [
                    Command.clear(),
                    *[
                        Command.create(
                            {
                                "name": f"Day {day} {period}",
                                "dayofweek": str(day),
                                "hour_from": hour_from,
                                "hour_to": hour_to,
                                "day_period": period,
                            }
                        )
                        for day in range(5)
                        for hour_from, hour_to, period in (
                            (8, 12, "morning"),
                            (13, 17, "afternoon"),
                        )
                    ],
                ],
            }
        )
        cls.company.write(
            {
                "resource_calendar_id": cls.calendar.id,
                "qualiopi_ack_days": 2,
                "qualiopi_response_days": 10,
                "qualiopi_auto_ack": True,
            }
        )
        # The team handles its records in Odoo (notification preference
        # "Handle in Odoo"): as owners and followers they are notified in their
        # inbox, so that the emails the tests count are those that leave the
        # organisation. An owner notified by email: test_owner.py.
        cls.user_qualiopi = new_test_user(
            cls.env,
            notification_type="inbox",
            login="qualiopi_user",
            name="Quentin Qualité",
            email="quentin@example.com",
            groups="qualiopi_reclamation.group_qualiopi_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            notification_type="inbox",
            login="qualiopi_manager",
            name="Manon Manager",
            email="manon@example.com",
            groups="qualiopi_reclamation.group_qualiopi_manager",
        )
        cls.user_auditor = new_test_user(
            cls.env,
            login="qualiopi_auditor",
            name="Alain Auditeur",
            email="alain@example.com",
            groups="qualiopi_reclamation.group_qualiopi_auditor",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Qualité",
                "user_id": cls.user_manager.id,
                "user_ids": [Command.set((cls.user_qualiopi | cls.user_manager).ids)],
                "company_id": cls.company.id,
            }
        )
        # The company's complaint team, which records filed without a team
        # join (the demo configures its own).
        cls.company.qualiopi_public_team_id = cls.team
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.channel_web = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        cls.channel_phone = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        cls.trainee = cls.env["res.partner"].create(
            {"name": "Marie Durand", "email": "marie.durand@example.com"}
        )
        cls.event_type = cls.env["event.type"].create({"name": "Excel avancé"})
        cls.event = cls.env["event.event"].create(
            {
                "name": "Excel avancé - mars",
                "event_type_id": cls.event_type.id,
                "date_begin": "2026-03-02 08:00:00",
                "date_end": "2026-03-04 16:00:00",
                "company_id": cls.company.id,
            }
        )
        cls.registration = cls.env["event.registration"].create(
            {"event_id": cls.event.id, "partner_id": cls.trainee.id}
        )
        cls.cause_content = cls.env.ref("qualiopi_reclamation.cause_category_content")

    def _action_form(self, action, user):
        """A Form on the wizard a button's ``action`` opens, as ``user``."""
        return Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))

    @classmethod
    def _complaint_values(cls, **values):
        return {
            "name": "Support de cours manquant",
            "description": "<p>Le support n'a pas été envoyé.</p>",
            "qualiopi_nature": "complaint",
            "stakeholder_type": "trainee",
            "partner_id": cls.trainee.id,
            "team_id": cls.team.id,
            "event_id": cls.event.id,
            "channel_id": cls.channel_web.id,
            **values,
        }

    def _record_answer(self, ticket, date=None):
        """The answer as the composer records it: a message to the complainant."""
        message = ticket.message_post(
            body="<p>Réponse à votre réclamation.</p>",
            partner_ids=ticket.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket._qualiopi_record_response(message)
        if date:
            ticket.sudo().write({"response_date": date})
        return message

    def _create_complaint(self, user=None, auto_ack=True, **values):
        Ticket = self.env["helpdesk.ticket"]
        if user:
            Ticket = Ticket.with_user(user)
        if not auto_ack:
            Ticket = Ticket.with_context(qualiopi_no_auto_ack=True)
        ticket = Ticket.create(self._complaint_values(**values))
        self._send_queued_acknowledgements()
        return ticket

    def _send_queued_acknowledgements(self):
        """Run what the job triggered by a complaint's creation runs within
        seconds: the acknowledgements queued are sent."""
        self.env["helpdesk.ticket"]._cron_qualiopi_acknowledge()

    def _portal_colleagues(self, *names):
        """Portal users of one client company, one per name, and the company."""
        client = self.env["res.partner"].create({"name": "Client SA", "is_company": True})
        users = self.env["res.users"]
        for name in names:
            login = re.sub(r"\W+", "_", name.lower())
            users |= new_test_user(self.env, login=login, groups="base.group_portal", name=name)
        users.partner_id.write({"parent_id": client.id})
        return users, client


class QualiopiRpcMixin:
    """For HttpCase tests: call the ORM as a client does, over JSON-RPC
    (``/web/dataset/call_kw``), as a given user.

    A refused call is checked without ``assertRaises``: its savepoint would
    undo what the code wrote before raising, and prove nothing. Here Odoo's
    request handling rolls back the request's transaction, as it does for a
    real user, and the test reads what that left behind."""

    def _login(self, user):
        """Log in as this test user (``new_test_user``: the password is the login)."""
        self.authenticate(user.login, user.login)

    def _call_kw(self, user, model, method, args, kwargs=None):
        """The JSON-RPC response of ``model.method(*args, **kwargs)`` run by
        ``user``: ``{"result": ...}`` or ``{"error": ...}``."""
        self.env.flush_all()
        self._login(user)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": {"context": {"lang": "en_US"}, **(kwargs or {})},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return response.json()

    def assertRefusedOverRpc(self, exception, pattern, user, model, method, args, kwargs=None):
        """The call is refused with ``exception`` and a message matching
        ``pattern``; the caller then checks that nothing was left written."""
        reply = self._call_kw(user, model, method, args, kwargs)
        self.assertIn("error", reply, f"{model}.{method} was not refused: {reply}")
        data = reply["error"]["data"]
        self.assertEqual(data["name"], f"{exception.__module__}.{exception.__name__}")
        self.assertRegex(data["message"], pattern)
        return data


class QualiopiHttpCommon(HttpCase, QualiopiRpcMixin, QualiopiCommon):
    """QualiopiCommon served over HTTP: its team receives the public form, and
    the form is posted as a visitor's browser does (page first, for the CSRF
    token). The rate limits are raised so that each test posts freely."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_public_team_id = cls.team
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("qualiopi_reclamation.public_max_per_ip", 50)
        params.set_param("qualiopi_reclamation.public_max_per_email", 50)

    def _csrf(self, url="/qualiopi/reclamation"):
        """The CSRF token of the session, as a page of the public form carries it."""
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post_public(self, files=None, token=True, **values):
        """Post the public form with a valid submission, changed by ``values``."""
        data = {**PUBLIC_FORM_VALUES, **values}
        if token and "csrf_token" not in values:
            data["csrf_token"] = self._csrf()
        return self.url_open(
            "/qualiopi/reclamation", data=data, files=files or None, allow_redirects=True
        )
