import re
import xmlrpc.client

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import QualiopiHttpCommon

SECRET_TITLE = "Propos déplacés du formateur"


@tagged("post_install", "-at_install")
class TestConfidentialOverHttp(QualiopiHttpCommon):
    """A confidential case as an attacker meets it: over JSON-RPC, XML-RPC and
    the portal; and the anonymous report with its follow-up code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_referent = new_test_user(
            cls.env,
            login="qualiopi_referent",
            groups="qualiopi_reclamation.group_qualiopi_confidential",
        )
        cls.user_complainant = new_test_user(
            cls.env, login="victime", name="Victoire Plaignante", groups="base.group_portal"
        )
        cls.user_other_portal = new_test_user(
            cls.env, login="autre_portail", name="Paul Portail", groups="base.group_portal"
        )
        export = cls.env.ref("base.group_allow_export")
        (cls.user_manager | cls.user_auditor).groups_id = [Command.link(export.id)]
        client = cls.env["res.partner"].create({"name": "Client SA", "is_company": True})
        (cls.user_complainant | cls.user_other_portal).partner_id.parent_id = client
        cls.confidential = (
            cls.env["helpdesk.ticket"]
            .with_context(qualiopi_no_auto_ack=True)
            .create(
                cls._complaint_values(
                    name=SECRET_TITLE,
                    partner_id=cls.user_complainant.partner_id.id,
                    qualiopi_confidential=True,
                    qualiopi_confidential_reason="harassment",
                )
            )
        )

    # ------------------------------------------------------------------
    # The ORM over RPC
    # ------------------------------------------------------------------

    def test_hidden_over_json_rpc(self):
        for user in (self.user_qualiopi, self.user_manager, self.user_auditor):
            with self.subTest(user=user.login):
                reply = self._call_kw(
                    user,
                    "helpdesk.ticket",
                    "search_read",
                    [[("qualiopi_nature", "!=", False)]],
                    {"fields": ["name", "description"]},
                )
                self.assertIn("result", reply, reply)
                self.assertNotIn(self.confidential.id, [r["id"] for r in reply["result"]])
                self.assertNotIn(SECRET_TITLE, str(reply))
                for method, args, kwargs in (
                    ("read", [self.confidential.ids, ["name"]], {}),
                    ("web_read", [self.confidential.ids], {"specification": {"name": {}}}),
                    ("export_data", [self.confidential.ids, ["name", "description"]], {}),
                    ("write", [self.confidential.ids, {"qualiopi_confidential": False}], {}),
                ):
                    reply = self._call_kw(user, "helpdesk.ticket", method, args, kwargs)
                    self.assertIn("error", reply, f"{method}: {reply}")
                    self.assertNotIn(SECRET_TITLE, str(reply))
                self.assertTrue(self.confidential.qualiopi_confidential)
                # Groups and counts tell nothing either.
                reply = self._call_kw(
                    user,
                    "helpdesk.ticket",
                    "search_count",
                    [[("qualiopi_confidential", "=", True)]],
                )
                self.assertEqual(reply["result"], 0)
        reply = self._call_kw(
            self.user_referent, "helpdesk.ticket", "read", [self.confidential.ids, ["name"]]
        )
        self.assertEqual(reply["result"][0]["name"], SECRET_TITLE)

    def test_hidden_over_xml_rpc(self):
        db = self.env.cr.dbname
        for user in (self.user_manager, self.user_auditor, self.user_other_portal):
            with self.subTest(user=user.login):
                ids = self.xmlrpc_object.execute_kw(
                    db, user.id, user.login, "helpdesk.ticket", "search", [[]]
                )
                self.assertNotIn(self.confidential.id, ids)
                with self.assertRaises(xmlrpc.client.Fault):
                    self.xmlrpc_object.execute_kw(
                        db,
                        user.id,
                        user.login,
                        "helpdesk.ticket",
                        "read",
                        [self.confidential.ids, ["name"]],
                    )
        reply = self._call_kw(self.user_complainant, "helpdesk.ticket", "search", [[]])
        self.assertEqual(reply["result"], self.confidential.ids, "the complainant reads their own")

    def test_portal_of_others(self):
        self._login(self.user_other_portal)
        self.assertNotIn(SECRET_TITLE, self.url_open("/my/tickets").text)
        page = self.url_open(f"/my/ticket/{self.confidential.id}")
        self.assertNotIn(SECRET_TITLE, page.text)
        self._login(self.user_complainant)
        self.assertIn(SECRET_TITLE, self.url_open("/my/tickets").text)
        page = self.url_open(f"/my/ticket/{self.confidential.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(SECRET_TITLE, page.text)

    # ------------------------------------------------------------------
    # The anonymous report and its follow-up page
    # ------------------------------------------------------------------

    def _post_anonymous(self, **values):
        return self._post_public(
            anonymous="1",
            confidential_reason="harassment",
            description="Un stagiaire tient des propos humiliants tous les jours.",
            **values,
        )

    def _followup(self, code, **values):
        csrf = self._csrf("/qualiopi/reclamation/suivi")
        return self.url_open(
            "/qualiopi/reclamation/suivi", data={"csrf_token": csrf, "code": code, **values}
        )

    def test_anonymous_form(self):
        page = self.url_open("/qualiopi/reclamation?anonymous=1").text
        self.assertIn('name="anonymous" value="1"', page)
        self.assertNotIn('name="partner_name"', page)
        self.assertNotIn('name="partner_email"', page)
        self.assertIn('name="confidential_reason"', page)
        # A reason is required of an anonymous report.
        response = self._post_public(
            anonymous="1", partner_name="", partner_email="", confidential_reason=""
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Say what your anonymous report is about", response.text)

    def test_anonymous_report_and_followup(self):
        before = self.env["helpdesk.ticket"].sudo().search([]).ids
        # A name and an email sent anyway (a crafted post) are not kept, and
        # the existing contact of that address is not linked.
        response = self._post_anonymous(
            partner_name="Marie Durand", partner_email=self.trainee.email
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        ticket = self.env["helpdesk.ticket"].sudo().search([("id", "not in", before)])
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.qualiopi_anonymous and ticket.qualiopi_confidential)
        self.assertEqual(ticket.qualiopi_confidential_reason, "harassment")
        self.assertFalse(ticket.partner_id or ticket.partner_name or ticket.partner_email)
        # Followed by the referents only (who are told of it), no contact.
        referents = self.env.ref("qualiopi_reclamation.group_qualiopi_confidential").users
        self.assertIn(self.user_referent.partner_id, ticket.message_partner_ids)
        self.assertFalse(ticket.message_partner_ids - referents.partner_id)
        code = re.search(r'o_qualiopi_followup_code">([A-Z0-9-]+)<', response.text).group(1)
        self.assertEqual(len(code.replace("-", "")), 20)
        self.assertNotIn(code, response.url, "the code is never in a URL")
        self.assertNotIn(ticket.access_token, response.text)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertNotEqual(ticket.qualiopi_followup_hash, code.replace("-", ""))
        self.assertEqual(len(ticket.qualiopi_followup_hash), 64, "stored hashed")
        # Hidden from the staff who are not referents.
        Ticket = self.env["helpdesk.ticket"].with_user(self.user_manager)
        self.assertFalse(Ticket.search([("id", "=", ticket.id)]))

        # A wrong code: nothing learned, and counted.
        attempts = self.env["qualiopi.public.attempt"].sudo()
        before_attempts = attempts.search_count([])
        wrong = self._followup("AAAAA-BBBBB-CCCCC-DDDDD")
        self.assertEqual(wrong.status_code, 404)
        self.assertIn("No report matches this code", wrong.text)
        self.assertNotIn(ticket.number, wrong.text)
        self.assertEqual(attempts.search_count([]), before_attempts + 1)

        # The staff's public answer shows, its internal note does not.
        ticket.with_user(self.user_referent).message_post(
            body="<p>Nous avons bien reçu votre signalement.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.with_user(self.user_referent).message_post(
            body="<p>Note interne : entendre le formateur.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        page = self._followup(code.lower().replace("-", " "))
        self.assertEqual(page.status_code, 200)
        self.assertIn(ticket.number, page.text)
        self.assertIn("To acknowledge", page.text)
        self.assertIn("Nous avons bien reçu votre signalement", page.text)
        self.assertNotIn("Note interne", page.text)
        self.assertIn(f'name="code" value="{code.lower().replace("-", " ")}"', page.text)

        # The complainant writes again: escaped text, from nobody they are.
        page = self._followup(code, message="Cela a recommencé <b>hier</b> à la pause.")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Your message was sent", page.text)
        message = ticket.message_ids.filtered(lambda m: "recommencé" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.env.ref("base.public_partner"))
        self.assertNotIn("<b>", message.body)
        self.assertIn("&lt;b&gt;hier", page.text)

    def test_followup_rate_limited(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("qualiopi_reclamation.public_max_per_ip", 3)
        for _i in range(3):
            self.assertEqual(self._followup("AAAAA-BBBBB-CCCCC-DDDDD").status_code, 404)
        self.assertEqual(self._followup("AAAAA-BBBBB-CCCCC-DDDDE").status_code, 429)

    def test_named_confidential_report(self):
        before = self.env["helpdesk.ticket"].sudo().search([]).ids
        response = self._post_public(confidential_reason="discrimination")
        self.assertEqual(response.status_code, 200, response.text[:500])
        ticket = self.env["helpdesk.ticket"].sudo().search([("id", "not in", before)])
        self.assertTrue(ticket.qualiopi_confidential)
        self.assertFalse(ticket.qualiopi_anonymous)
        self.assertFalse(ticket.partner_id, "never linked to a contact on the visitor's word")
        self.assertEqual(ticket.partner_email, "jeanne.visiteuse@example.com")
        self.assertFalse(
            self.env["helpdesk.ticket"]
            .with_user(self.user_qualiopi)
            .search([("id", "=", ticket.id)])
        )
        response = self._post_public(confidential_reason="<script>")
        self.assertEqual(response.status_code, 400)

    def test_procedure_section_and_french_pages(self):
        self.user_referent.name = "Rachel Référente"
        page = self.url_open("/qualiopi/procedure").text
        self.assertIn("Violence, harassment and discrimination: a confidential channel", page)
        self.assertIn("Rachel Référente", page)
        self.assertIn("/qualiopi/reclamation?anonymous=1", page)
        self.assertIn("within <strong>7</strong> business days", page)
        self.env["res.lang"]._activate_lang("fr_FR")
        page = self.url_open("/fr/qualiopi/reclamation/suivi").text
        self.assertIn("Suivre un signalement anonyme", page)
        page = self.url_open("/fr/qualiopi/reclamation?anonymous=1").text
        self.assertIn("Signalement confidentiel anonyme", page)
        self.assertIn("Harcèlement moral ou sexuel", page)

    def test_anonymous_acknowledged_and_answered_on_the_followup_page(self):
        response = self._post_anonymous()
        code = re.search(r'o_qualiopi_followup_code">([A-Z0-9-]+)<', response.text).group(1)
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search([("qualiopi_anonymous", "=", True)], order="id desc", limit=1)
        )
        referent_ticket = ticket.with_user(self.user_referent)
        with self.mock_mail_gateway():
            referent_ticket.action_qualiopi_acknowledge()
        self.assertTrue(ticket.ack_date and ticket.ack_message_id)
        self.assertEqual(ticket.ack_method, "follow_up_page")
        self.assertFalse(self._mails, "nobody to email")
        action = referent_ticket.action_qualiopi_send_response()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_referent)
            .with_context(**action["context"])
            .create({"body": "<p>Le stagiaire concerné a été exclu de la session.</p>"})
        )
        with self.mock_mail_gateway():
            composer.with_context(**action["context"]).action_send_mail()
        self.assertTrue(ticket.response_date and ticket.response_message_id)
        self.assertEqual(ticket.response_method, "follow_up_page", "read there, not emailed")
        page = self._followup(code)
        self.assertIn("Answered", page.text)
        self.assertIn("Le stagiaire concerné a été exclu de la session.", page.text)
        self.assertIn(ticket.number, page.text)
