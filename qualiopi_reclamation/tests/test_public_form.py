"""The public complaint form over HTTP, as a visitor and as an attacker would
send it. Over 500 lines for a reason: one scenario per hostile input (markup,
files, links in names, tokens, rates, frames), each short, all on the same
fixtures of ``QualiopiHttpCommon``; split, they would repeat them."""

import datetime
import re
import time
from unittest.mock import patch

from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import hmac

from .common import OLE2, PNG, PUBLIC_FORM_VALUES, QualiopiHttpCommon, office_zip, ole2


@tagged("post_install", "-at_install")
class TestPublicForm(QualiopiHttpCommon):
    """The public form, its confirmation, its protections and the procedure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"name": "Organisme Test", "qualiopi_privacy_url": "https://example.com/privacy"}
        )
        cls.existing = cls.env["res.partner"].create(
            {"name": "Claire Existante", "email": "claire@example.com", "phone": "0102"}
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _counts(self):
        return (
            self.env["helpdesk.ticket"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
            self.env["ir.attachment"].search_count([("res_model", "=", "helpdesk.ticket")]),
        )

    def _assert_rejected(self, message, status=400, files=None, token=True, **values):
        before = self._counts()
        response = self._post_public(files=files, token=token, **values)
        self.assertEqual(response.status_code, status, response.text[:500])
        self.assertIn("Your request was not sent", response.text)
        self.assertIn(message, response.text)
        self.assertEqual(self._counts(), before, "a rejected submission creates nothing")
        return response

    # ------------------------------------------------------------------
    # The form and a valid submission
    # ------------------------------------------------------------------

    def test_form_is_public_and_accessible(self):
        response = self.url_open("/qualiopi/reclamation")
        self.assertEqual(response.status_code, 200)
        page = response.text
        for name in (*PUBLIC_FORM_VALUES, "attachments", "csrf_token"):
            self.assertIn(f'name="{name}"', page)
        for field_id in (
            "qualiopi_partner_name",
            "qualiopi_partner_email",
            "qualiopi_stakeholder_type",
            "qualiopi_description",
            "qualiopi_consent",
            "qualiopi_attachments",
        ):
            self.assertIn(f'for="{field_id}"', page, "every field has its label")
        self.assertIn("Organisme Test", page, "the page carries the company's name")
        self.assertIn("https://example.com/privacy", page)
        self.assertIn('name="website_url"', page, "the honeypot is present")
        self.assertNotIn("Staff", page, "staff is not a public stakeholder type")
        self.assertNotIn('value="hazard"', page)

    def test_switched_off_form_answers_404(self):
        """Switched off in Settings, the form's pages are gone, and nothing
        links them: a POST prepared before files nothing."""
        self._post_public()
        ticket = self._ticket_of("jeanne.visiteuse@example.com")
        confirmation = (
            f"/qualiopi/reclamation/confirmation/{ticket.id}?access_token={ticket.access_token}"
        )
        csrf = self._csrf()
        with Form(self.env["res.config.settings"]) as settings:
            self.assertTrue(settings.qualiopi_public_form_enabled, "on by default")
            settings.qualiopi_public_form_enabled = False
        self.assertFalse(self.company.qualiopi_public_form_enabled)
        before = self._counts()
        for url in ("/qualiopi/reclamation", "/qualiopi/reclamation?embed=1", confirmation):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        response = self._post_public(csrf_token=csrf, partner_email="late@example.com")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts(), before, "a switched-off form files nothing")
        procedure = self.url_open("/qualiopi/procedure")
        self.assertEqual(procedure.status_code, 200, "the procedure stays published")
        self.assertNotIn("/qualiopi/reclamation", procedure.text, "without the form's link")
        with Form(self.env["res.config.settings"]) as settings:
            settings.qualiopi_public_form_enabled = True
        self.assertEqual(self.url_open(confirmation).status_code, 200)
        self.assertEqual(self._post_public(partner_email="back@example.com").status_code, 200)

    def test_language_follows_the_request(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt", "qualiopi_reclamation"], ["fr_FR"], overwrite=True
        )
        french = self.url_open("/fr/qualiopi/reclamation")
        self.assertEqual(french.status_code, 200)
        self.assertIn('<html lang="fr-FR"', french.text)
        self.assertIn("Réclamation", french.text, "choices are in the request's language")
        self.assertIn('href="/en/qualiopi/reclamation"', french.text, "switch to English")
        english = self.url_open("/en/qualiopi/reclamation")
        self.assertIn('<html lang="en-US"', english.text)
        self.assertIn(">Complaint<", english.text)

    def test_embedded_form_has_no_navigation(self):
        page = self.url_open("/qualiopi/reclamation?embed=1").text
        self.assertNotIn('id="top"', page)
        self.assertIn('name="embed" value="1"', page, "the submission stays embedded")
        response = self._post_public(embed="1")
        self.assertIn("embed=1", response.url)
        self.assertNotIn('id="top"', response.text)

    def test_submission_creates_acknowledged_complaint(self):
        response = self._post_public(
            description="<b>Bold</b> <script>alert('x')</script> le support manque.",
            files=[("attachments", ("preuve.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("/qualiopi/reclamation/confirmation/", response.url)
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_email", "=", "jeanne.visiteuse@example.com")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(ticket.stakeholder_type, "trainee")
        self.assertEqual(
            ticket.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        )
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.company_id, self.company)
        self.assertFalse(ticket.partner_id, "never linked to a contact on the visitor's word")
        self.assertEqual(ticket.partner_name, "Jeanne Visiteuse")
        self.assertEqual(ticket.partner_phone, "+33 6 12 34 56 78")
        self.assertTrue(ticket.qualiopi_ack_queued, "the acknowledgement is queued at once")
        self._send_queued_acknowledgements()
        self.assertTrue(ticket.ack_date, "and sent by the job")
        self.assertEqual(ticket.ack_method, "email")
        ack = self.env["mail.mail"].search([("mail_message_id", "=", ticket.ack_message_id.id)])
        self.assertEqual(
            ack.recipient_ids.mapped("email_normalized"), ["jeanne.visiteuse@example.com"]
        )
        # HTML typed by the visitor is shown as text, never interpreted.
        self.assertNotIn("<script>", ticket.description)
        self.assertNotIn("<b>", ticket.description)
        self.assertIn("&lt;script&gt;", ticket.description)
        self.assertIn("Excel avancé", ticket.description)
        self.assertEqual(ticket.attachment_ids.mapped("name"), ["preuve.png"])
        self.assertEqual(ticket.attachment_ids.mimetype, "image/png")
        # The confirmation: reference and answer deadline.
        self.assertIn(ticket.number, response.text)
        self.assertIn("Written answer by", response.text)
        self.assertIn("acknowledgement of receipt is on its way", response.text)
        self.assertIn(f"/my/ticket/{ticket.id}?access_token=", response.text)

    def test_difficulty_filed(self):
        response = self._post_public(qualiopi_nature="difficulty", stakeholder_type="funder")
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_email", "=", "jeanne.visiteuse@example.com")]
        )
        self.assertEqual(ticket.qualiopi_nature, "difficulty")
        self.assertEqual(ticket.stakeholder_type, "funder")
        self.assertTrue(ticket.response_deadline)

    def test_existing_contact_not_linked_and_not_revealed(self):
        first = self._post_public(partner_name="Someone Else", partner_email="CLAIRE@example.com")
        second = self._post_public(partner_email="new.person@example.com")
        tickets = self.env["helpdesk.ticket"].search(
            [("partner_email", "in", ("claire@example.com", "new.person@example.com"))],
            order="id",
        )
        self.assertEqual(len(tickets), 2)
        self.assertFalse(tickets.partner_id, "no contact is taken from a typed email")
        self.assertEqual(tickets[0].partner_name, "Someone Else", "what was typed is kept")
        self.assertEqual(
            self.existing.name, "Claire Existante", "a visitor cannot rename a contact"
        )
        self.assertEqual(self.existing.phone, "0102")
        self.assertFalse(
            self.env["res.partner"].search_count([("name", "=", "Jeanne Visiteuse")]),
            "nor makes a contact of what was typed",
        )

        def strip(text, ticket):
            # The page's main content, references and times left out.
            text = text[text.index('id="wrap"') : text.index("</main>")]
            text = text.replace(ticket.access_token, "TOKEN")
            return re.sub(r"\d", "", text)

        self.assertEqual(
            strip(first.text, tickets[0]).replace("Someone Else", "X"),
            strip(second.text, tickets[1]).replace("Jeanne Visiteuse", "X"),
            "the answer is the same whether the contact existed or not",
        )
        self.assertNotIn("Claire Existante", first.text)

    def test_session_reference_links_session_and_registration(self):
        trainee = self.env["res.partner"].create(
            {"name": "Jeanne Visiteuse", "email": "Jeanne.Visiteuse@example.com"}
        )
        event = self.env["event.event"].create(
            {
                "name": "Excel avancé - session de mars",
                "date_begin": "2026-03-02 08:00:00",
                "date_end": "2026-03-04 17:00:00",
                "company_id": self.company.id,
            }
        )
        registration = self.env["event.registration"].create(
            {"event_id": event.id, "partner_id": trainee.id}
        )
        other = self.env["event.event"].create(
            {
                "name": "Excel avancé - session d'avril",
                "date_begin": "2026-04-06 08:00:00",
                "date_end": "2026-04-08 17:00:00",
                "company_id": self.company.id,
            }
        )
        self.assertRegex(event.qualiopi_reference, r"^SES-\d{4}-\d{4,}$")
        self.assertNotEqual(event.qualiopi_reference, other.qualiopi_reference)
        # Typed in lower case with spaces around: still the session's reference.
        known = self._post_public(training_reference=f"  {event.qualiopi_reference.lower()} ")
        unknown = self._post_public(
            partner_email="someone.else@example.com", training_reference="SES-1999-9999"
        )
        self._post_public(partner_email="third@example.com", training_reference=f" {other.name} ")
        tickets = self.env["helpdesk.ticket"].search(
            [
                (
                    "partner_email",
                    "in",
                    (
                        "jeanne.visiteuse@example.com",
                        "someone.else@example.com",
                        "third@example.com",
                    ),
                )
            ],
            order="id",
        )
        self.assertEqual(len(tickets), 3)
        self.assertEqual(tickets[0].event_id, event)
        self.assertFalse(tickets[0].event_registration_id, "a registration is a contact")
        self.assertEqual(tickets[0].qualiopi_suggested_partner_id, trainee)
        self.assertIn(event.qualiopi_reference.lower(), tickets[0].description)
        self.assertFalse(tickets[1].event_id, "an unknown reference links nothing")
        self.assertIn("SES-1999-9999", tickets[1].description, "but is kept as typed")
        self.assertEqual(tickets[2].event_id, other, "the exact name still matches")
        self.assertFalse(tickets[2].event_registration_id, "no registration of this email")

        def strip(text, ticket):
            text = text[text.index('id="wrap"') : text.index("</main>")]
            text = text.replace(ticket.access_token, "TOKEN")
            return re.sub(r"\d", "", text)

        self.assertEqual(
            strip(known.text, tickets[0]),
            strip(unknown.text, tickets[1]),
            "the answer never tells whether a session reference exists",
        )
        self.assertNotIn(event.name, known.text)
        # Staff link the contact: its registration to the session comes with it.
        tickets[0].with_user(self.user_manager).action_qualiopi_link_suggested_partner()
        self.assertEqual(tickets[0].partner_id, trainee)
        self.assertEqual(tickets[0].event_registration_id, registration, "linked with the contact")

    # ------------------------------------------------------------------
    # Embedded in another site: signed token instead of the session
    # ------------------------------------------------------------------

    def _embed_token(self, timestamp, nonce="0123456789abcdef0123456789abcdef"):
        signature = hmac(
            self.env(su=True), "qualiopi_reclamation.embed_form", f"{timestamp}.{nonce}"
        )
        return f"{timestamp}.{nonce}.{signature}"

    def _post_embedded(self, embed_token=None, page_url="/qualiopi/reclamation?embed=1", **values):
        """Post the embedded form as a browser in a third-party iframe: no cookie."""
        page = self.url_open(page_url)
        self.assertEqual(page.status_code, 200)
        action = re.search(r'<form[^>]*\saction="([^"]+)"', page.text).group(1)
        if embed_token is None:
            embed_token = re.search(r'name="embed_token" value="([^"]+)"', page.text).group(1)
        self.opener.cookies.clear()
        data = {
            "partner_name": "Paul Intégré",
            "partner_email": "paul.integre@example.com",
            "stakeholder_type": "client",
            "qualiopi_nature": "complaint",
            "description": "La convocation est arrivée après le début de la session.",
            "consent": "1",
            "embed": "1",
            "embed_token": embed_token,
            **values,
        }
        return self.url_open(action, data=data, allow_redirects=False)

    def test_embedded_submission_without_session_cookie(self):
        response = self._post_embedded()
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("embed=1", response.headers["Location"])
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_email", "=", "paul.integre@example.com")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.stakeholder_type, "client")
        self.assertEqual(
            ticket.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        )
        self.opener.cookies.clear()
        confirmation = self.url_open(response.headers["Location"])
        self.assertEqual(confirmation.status_code, 200)
        self.assertIn(ticket.number, confirmation.text)
        self.assertEqual(confirmation.headers.get("Content-Security-Policy"), "frame-ancestors *")
        self.assertNotIn("X-Frame-Options", confirmation.headers)
        # Without the session, the ordinary CSRF token cannot be checked: refused.
        before = self._counts()
        response = self._post_embedded(embed_token="", csrf_token="forged")
        self.assertEqual(response.status_code, 400)
        self.assertIn("The form has expired", response.text)
        self.assertEqual(self._counts(), before)

    def test_embedded_submission_with_bad_token_refused(self):
        now = int(time.time())
        good = self._embed_token(now)
        for token in (
            self._embed_token(now - 3 * 3600),  # expired: signed three hours ago
            self._embed_token(now + 3600),  # from the future
            f"{now}.{'0' * 32}.{'0' * 64}",  # forged signature
            f"{now - 3 * 3600}.{good.partition('.')[2]}",  # signature of another time
            f"{now}.{'1' * 32}.{good.rpartition('.')[2]}",  # signature of another nonce
            "not-a-token",
        ):
            before = self._counts()
            response = self._post_embedded(embed_token=token)
            self.assertEqual(response.status_code, 400, token)
            self.assertIn("Your request was not sent", response.text)
            self.assertIn("The embedded form has expired", response.text)
            self.assertIn("Paul Intégré", response.text, "what was typed is kept")
            self.assertEqual(self._counts(), before, "a refused token creates nothing")
        # In French, without the language cookie an iframe does not send.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt", "qualiopi_reclamation"], ["fr_FR"], overwrite=True
        )
        response = self._post_embedded(
            embed_token="forged.token", page_url="/fr/qualiopi/reclamation?embed=1"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn('<html lang="fr-FR"', response.text)
        self.assertIn("Le formulaire intégré a expiré", response.text)
        french_ok = self._post_embedded(
            page_url="/fr/qualiopi/reclamation?embed=1", partner_email="paul.fr@example.com"
        )
        self.assertEqual(french_ok.status_code, 303)
        self.assertIn("/fr/qualiopi/reclamation/confirmation/", french_ok.headers["Location"])

    def test_embedded_pages_may_be_framed(self):
        normal = self.url_open("/qualiopi/reclamation")
        self.assertNotIn("frame-ancestors", normal.headers.get("Content-Security-Policy", ""))
        self.assertNotIn('name="embed_token"', normal.text)
        embedded = self.url_open("/qualiopi/reclamation?embed=1")
        self.assertEqual(embedded.headers.get("Content-Security-Policy"), "frame-ancestors *")
        self.assertNotIn("X-Frame-Options", embedded.headers)
        self.assertIn('name="embed_token"', embedded.text)
        procedure = self.url_open("/qualiopi/procedure?embed=1")
        self.assertEqual(procedure.headers.get("Content-Security-Policy"), "frame-ancestors *")
        self.assertNotIn(
            "frame-ancestors",
            self.url_open("/qualiopi/procedure").headers.get("Content-Security-Policy", ""),
        )
        # Only the sites listed in the system parameter; anything else is dropped.
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.embed_allowed_origins",
            "https://www.example.org, https://formation.example.com:8443 bad;value",
        )
        embedded = self.url_open("/qualiopi/reclamation?embed=1")
        self.assertEqual(
            embedded.headers.get("Content-Security-Policy"),
            "frame-ancestors https://www.example.org https://formation.example.com:8443",
        )

    def test_confirmation_needs_the_token(self):
        self._post_public()
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_email", "=", "jeanne.visiteuse@example.com")]
        )
        url = f"/qualiopi/reclamation/confirmation/{ticket.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(url + "?access_token=wrong").status_code, 404)
        self.assertEqual(
            self.url_open(f"{url}?access_token={ticket.access_token}").status_code, 200
        )

    def test_confirmation_shows_mediator_when_available(self):
        mediator = {
            "name": "Médiateur de la formation",
            "website": "https://mediateur.example.com",
            "street": "1 rue de la Paix",
            "zip": "75002",
            "city": "Paris",
            "country": "France",
            "email": "",
            "phone": "",
        }
        with patch.object(
            self.registry["res.company"],
            "_qualiopi_public_mediator",
            return_value=mediator,
        ):
            response = self._post_public()
            procedure = self.url_open("/qualiopi/procedure")
        for text in ("Médiateur de la formation", "https://mediateur.example.com", "75002"):
            self.assertIn(text, response.text)
            self.assertIn(text, procedure.text)
        self.assertNotIn("Médiateur de la formation", self.url_open("/qualiopi/procedure").text)

    # ------------------------------------------------------------------
    # Rejections: each one explained, none creates anything
    # ------------------------------------------------------------------

    def test_reject_without_csrf(self):
        self._assert_rejected("The form has expired", csrf_token="")
        self._assert_rejected("The form has expired", csrf_token="forged")
        self._assert_rejected("The form has expired", csrf_token=self._csrf() + "0")

    def test_reject_honeypot(self):
        self._assert_rejected("refused as automated", website_url="http://spam.example.com")

    def test_reject_rate_limit_per_address(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.public_max_per_ip", 2
        )
        self.assertEqual(self._post_public(partner_email="a1@example.com").status_code, 200)
        self.assertEqual(self._post_public(partner_email="a2@example.com").status_code, 200)
        self._assert_rejected("Too many submissions", status=429, partner_email="a3@example.com")

    def test_reject_rate_limit_per_email(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.public_max_per_email", 1
        )
        self.assertEqual(self._post_public().status_code, 200)
        self._assert_rejected(
            "Too many submissions",
            status=429,
            partner_email="Jeanne.Visiteuse@EXAMPLE.com",
        )
        self.assertEqual(self._post_public(partner_email="other@example.com").status_code, 200)

    def test_reject_missing_name(self):
        self._assert_rejected("Enter your name.", partner_name="  ")

    def test_reject_bad_email(self):
        self._assert_rejected("Enter your email address", partner_email="")
        self._assert_rejected("The email address is not valid", partner_email="not-an-email")
        self._assert_rejected(
            "The email address is not valid", partner_email="a@example.com, b@example.com"
        )

    def test_reject_bad_phone(self):
        self._assert_rejected("The phone number may only hold", partner_phone="<a>call</a>")

    def test_reject_bad_choices(self):
        self._assert_rejected("Say who you are", stakeholder_type="staff")
        self._assert_rejected("complaint or a difficulty", qualiopi_nature="hazard")
        self._assert_rejected("complaint or a difficulty", qualiopi_nature="")

    def test_reject_description(self):
        self._assert_rejected("Describe the matter", description="short")
        self._assert_rejected("The description is too long", description="x" * 10001)

    def test_reject_without_consent(self):
        self._assert_rejected("Tick the consent box", consent="")

    def test_reject_files(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.public_max_file_mb", 1
        )
        self._assert_rejected(
            "too large",
            files=[
                ("attachments", ("big.pdf", b"%PDF-1.4 " + b"0" * 1024 * 1024, "application/pdf"))
            ],
        )
        self._assert_rejected(
            "cannot be accepted",
            files=[
                (
                    "attachments",
                    ("virus.exe", b"MZ\x90\x00" + b"0" * 100, "application/octet-stream"),
                )
            ],
        )
        self._assert_rejected(
            "cannot be accepted",
            files=[("attachments", ("fake.pdf", b"MZ\x90\x00" + b"0" * 100, "application/pdf"))],
        )
        self._assert_rejected(
            "cannot be accepted",
            files=[("attachments", ("page.html", b"<html><script>x</script></html>", "text/html"))],
        )
        self._assert_rejected(
            "Attach 5 files at most",
            files=[("attachments", (f"p{i}.png", PNG, "image/png")) for i in range(6)],
        )

    def test_rejected_values_are_kept_and_escaped(self):
        response = self._assert_rejected(
            "Tick the consent box",
            consent="",
            partner_name='"><script>alert(1)</script>',
        )
        self.assertNotIn("<script>alert(1)</script>", response.text)
        self.assertIn("&lt;script&gt;", response.text)

    # ------------------------------------------------------------------
    # The published procedure
    # ------------------------------------------------------------------

    def test_portal_page_dates_in_the_organisation_time_zone(self):
        """A portal user without a time zone reads the dates as the emails
        give them: in the time zone of the calendar that counts the deadlines."""
        self.company.resource_calendar_id.tz = "Europe/Paris"
        portal = new_test_user(
            self.env, login="portal_dates", groups="base.group_portal", name="Paul Portail"
        )
        portal.tz = False
        ticket = self._create_complaint(
            auto_ack=False,
            name="Horaires non respectés",
            partner_id=portal.partner_id.id,
            # 07:30 UTC is 09:30 in Paris in summer.
            received_date=datetime.datetime(2026, 6, 15, 7, 30),
            ack_date=datetime.datetime(2026, 6, 15, 22, 45),
        )
        self._login(portal)
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        dates = response.text.split("o_qualiopi_portal_dates", 1)[1][:1200]
        self.assertIn("06/15/2026 09:30", dates)
        self.assertNotIn("07:30", dates)
        # 22:45 UTC is already the next day in Paris.
        self.assertIn("06/16/2026 00:45", dates)
        # The list gives the received date, in the same time zone.
        response = self.url_open("/my/tickets")
        self.assertIn("06/15/2026", response.text)
        # The complainant without an account, from the link in the email.
        self.logout()
        response = self.url_open(
            f"/my/ticket/{ticket.id}?access_token={ticket._portal_ensure_token()}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "06/15/2026 09:30", response.text.split("o_qualiopi_portal_dates", 1)[1][:1200]
        )

    def test_procedure_page_and_printable_summary(self):
        self.company.write({"qualiopi_ack_days": 3, "qualiopi_response_days": 12})
        for url in ("/qualiopi/procedure", "/qualiopi/procedure/print"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertRegex(response.text, r"3\s*</strong>\s*business days")
            self.assertRegex(response.text, r"12\s*</strong>\s*business days")
            self.assertIn("/qualiopi/reclamation", response.text, "the form is linked")
            self.assertIn("/qualiopi/procedure/pdf?company_id=", response.text)
            self.assertIn("Organisme Test", response.text)
        page = self.url_open("/qualiopi/procedure").text
        printable = self.url_open("/qualiopi/procedure/print").text
        self.assertIn("Printable version", page)
        self.assertIn('id="top"', page, "the page has the company's header")
        self.assertIn("window.print()", printable)
        self.assertNotIn('id="top"', printable, "the printable summary has no header")

    # ------------------------------------------------------------------
    # Issue 10: the public front door leaks nothing
    # ------------------------------------------------------------------

    def _ticket_of(self, email):
        return self.env["helpdesk.ticket"].search([("partner_email", "=", email)])

    def test_token_visitor_never_sees_nor_writes_as_a_contact(self):
        """Typing a known contact's email hands over nothing of that contact."""
        response = self._post_public(partner_name="Mallory", partner_email="claire@example.com")
        self.assertEqual(response.status_code, 200)
        ticket = self._ticket_of("claire@example.com")
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id)
        self.assertNotIn(self.existing.phone, response.text.split('id="wrap"')[1])
        self.assertNotIn("Claire Existante", response.text)
        follow = re.search(r'href="(/my/ticket/\d+\?access_token=[^"]+)"', response.text).group(1)
        page = self.url_open(follow.replace("&amp;", "&"))
        self.assertEqual(page.status_code, 200)
        self.assertIn(ticket.number, page.text)
        self.assertNotIn("Claire Existante", page.text)
        self.assertIn("Mallory", page.text, "the token shows what was typed")
        # The chatter, with the token of the link: never as the contact.
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket.id,
                "post_data": {"body": "I am Claire", "message_type": "comment"},
                "token": ticket.access_token,
            },
        )
        posted = ticket.message_ids.filtered(lambda m: "I am Claire" in (m.body or ""))
        self.assertEqual(len(posted), 1)
        self.assertNotEqual(posted.author_id, self.existing, "never posted as the contact")
        # The acknowledgement still goes to the typed address, and only there.
        self._send_queued_acknowledgements()
        self.assertTrue(ticket.ack_date)
        ack = self.env["mail.mail"].search([("mail_message_id", "=", ticket.ack_message_id.id)])
        self.assertEqual(ack.recipient_ids.mapped("email_normalized"), ["claire@example.com"])
        self.assertFalse(ticket.partner_id, "sending the acknowledgement links no contact")

    def test_staff_link_the_suggested_contact(self):
        self._post_public(partner_name="Claire E.", partner_email="Claire@Example.com")
        ticket = self._ticket_of("claire@example.com")
        old_token = ticket.access_token
        self.assertEqual(
            ticket.with_user(self.user_qualiopi).qualiopi_suggested_partner_id, self.existing
        )
        link = ("helpdesk.ticket", "action_qualiopi_link_suggested_partner", [ticket.ids])
        # An auditor reads: the button is not theirs, nor the method over RPC.
        self.assertIn("error", self._call_kw(self.user_auditor, *link))
        self.assertFalse(ticket.partner_id)
        # A Qualiopi user links it in one click; the typed link no longer opens it.
        reply = self._call_kw(self.user_qualiopi, *link)
        self.assertNotIn("error", reply, reply)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.partner_id, self.existing)
        self.assertNotEqual(ticket.access_token, old_token)
        self.logout()
        page = self.url_open(f"/my/ticket/{ticket.id}?access_token={old_token}")
        self.assertNotIn(ticket.number, page.text)
        self.assertNotIn("0102", page.text)

    def test_acknowledgement_carries_no_text_of_the_visitor(self):
        self._post_public(
            partner_name="Jeanne Visiteuse",
            description="Cheap pills at spam-shop dot example, call now\nrest of the text",
        )
        self._send_queued_acknowledgements()
        ticket = self._ticket_of("jeanne.visiteuse@example.com")
        ack = self.env["mail.mail"].search([("mail_message_id", "=", ticket.ack_message_id.id)])
        self.assertEqual(len(ack), 1)
        self.assertIn(ticket.number, ack.body_html)
        for text in ("Cheap pills", "spam-shop", "Jeanne Visiteuse"):
            self.assertNotIn(text, ack.body_html)
            self.assertNotIn(text, ack.subject)

    def test_reject_name_with_a_link_or_a_line_break(self):
        for name in (
            "Jeanne http://spam.example.com",
            "Visit www.spam-shop",
            "Jeanne spam-shop.example.com",
            "Jeanne spam.shop",
            "jeanne@example.com",
            "Jeanne\nVisit us",
            "Jeanne\rVisit us",
        ):
            self._assert_rejected("Enter only your name, on one line", partner_name=name)
        for name in ("J. Dupont-Lefèvre", "Anne-Marie O'Neil", "Dr. Ève Martin"):
            self.assertEqual(
                self._post_public(partner_name=name, partner_email="ok@example.com").status_code,
                200,
            )

    def test_portal_lists_only_the_files_sent_to_the_complainant(self):
        """helpdesk_mgmt lists every file of a ticket on its portal page, each
        with a download token: staff's files (an internal note's, one attached
        to the record) stay internal; the visitor's and the answer's are shown."""
        response = self._post_public(files=[("attachments", ("preuve.png", PNG, "image/png"))])
        ticket = self._ticket_of("jeanne.visiteuse@example.com")
        follow = re.search(r'href="(/my/ticket/\d+\?access_token=[^"]+)"', response.text).group(1)

        def attachment(name):
            return self.env["ir.attachment"].create(
                {"name": name, "raw": b"%PDF-1.4", "res_model": ticket._name, "res_id": ticket.id}
            )

        ticket.with_user(self.user_qualiopi).message_post(
            body="Enquête interne",
            attachment_ids=attachment("enquete-interne.pdf").ids,
            subtype_xmlid="mail.mt_note",
        )
        attachment("notes-rh.pdf")
        ticket.with_user(self.user_qualiopi).message_post(
            body="Notre réponse",
            attachment_ids=attachment("reponse.pdf").ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.env.flush_all()
        page = self.url_open(follow.replace("&amp;", "&")).text
        self.assertIn("o_project_portal_attachments", page)
        listed = page.split("o_project_portal_attachments", 1)[1]
        self.assertIn("preuve.png", listed)
        self.assertIn("reponse.pdf", listed)
        for internal in ("enquete-interne.pdf", "notes-rh.pdf"):
            self.assertNotIn(internal, page)

    def test_portal_close_post_only_owner_only(self):
        stage_closed = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        stage_closed.close_from_portal = True
        owner = new_test_user(self.env, login="close_owner", groups="base.group_portal")
        new_test_user(self.env, login="close_other", groups="base.group_portal")
        new_test_user(self.env, login="close_internal", groups="base.group_user")
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Printer jammed",
                "description": "<p>Jammed</p>",
                "partner_id": owner.partner_id.id,
                "team_id": self.team.id,
            }
        )
        stage_open = ticket.stage_id
        self.assertNotEqual(stage_open, stage_closed)

        def close(login, method="POST", csrf=True):
            self.authenticate(login, login)
            data = {"ticket_id": ticket.id, "stage_id": stage_closed.id}
            if method == "GET":
                return self.url_open(
                    f"/ticket/close?ticket_id={ticket.id}&stage_id={stage_closed.id}"
                )
            if csrf:
                page = self.url_open("/qualiopi/reclamation").text
                data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            with mute_logger("odoo.http"):
                return self.url_open("/ticket/close", data=data)

        def stage():
            ticket.invalidate_recordset()
            return ticket.stage_id

        close("close_owner", method="GET")
        self.assertEqual(stage(), stage_open, "a GET (a link, an image) closes nothing")
        close("close_owner", csrf=False)
        self.assertEqual(stage(), stage_open, "a POST without the CSRF token closes nothing")
        close("close_other")
        self.assertEqual(stage(), stage_open, "another portal user closes nothing")
        close("close_internal")
        self.assertEqual(stage(), stage_open, "an internal user needs the right to write")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertNotIn('action="/ticket/close"', page.text)
        self.authenticate("close_owner", "close_owner")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertRegex(
            page,
            r'method="POST"[^>]*action="/ticket/close"|action="/ticket/close"[^>]*method="POST"',
        )
        close("close_owner")
        self.assertEqual(stage(), stage_closed, "the owner closes it")

    def test_rejected_posts_do_not_use_up_the_limit(self):
        """Junk posts with a complainant's email never lock them out."""
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.public_max_per_email", 2
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.public_max_per_ip", 3
        )
        for _attempt in range(5):
            self._assert_rejected("Tick the consent box", consent="")
        self.assertEqual(self._post_public().status_code, 200, "the complainant is still heard")
        self.assertEqual(self._post_public().status_code, 200)
        self._assert_rejected("Too many submissions", status=429)

    def test_client_address_not_taken_from_headers(self):
        """Without proxy_mode, X-Forwarded-For is the client's word: ignored."""
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.public_max_per_ip", 1
        )
        self.assertEqual(self._post_public(partner_email="x1@example.com").status_code, 200)
        before = self._counts()
        data = {
            "partner_name": "Jeanne Visiteuse",
            "partner_email": "x2@example.com",
            "stakeholder_type": "trainee",
            "qualiopi_nature": "complaint",
            "description": "Le support de cours n'a jamais été envoyé.",
            "consent": "1",
            "csrf_token": self._csrf(),
        }
        response = self.url_open(
            "/qualiopi/reclamation", data=data, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self._counts(), before)
        attempt = self.env["qualiopi.public.attempt"].search([], limit=1)
        self.assertEqual(attempt.ip_address, "127.0.0.1")

    def test_embed_token_used_once(self):
        page = self.url_open("/qualiopi/reclamation?embed=1").text
        token = re.search(r'name="embed_token" value="([^"]+)"', page).group(1)
        other = re.search(
            r'name="embed_token" value="([^"]+)"',
            self.url_open("/qualiopi/reclamation?embed=1").text,
        ).group(1)
        self.assertNotEqual(token, other, "one token per display of the form")
        self.assertEqual(self._post_embedded(embed_token=token).status_code, 303)
        before = self._counts()
        replay = self._post_embedded(embed_token=token, partner_email="replay@example.com")
        self.assertEqual(replay.status_code, 400)
        self.assertIn("already been sent once", replay.text)
        self.assertEqual(self._counts(), before, "a replayed token creates nothing")
        self.assertEqual(
            self._post_embedded(embed_token=other, partner_email="second@example.com").status_code,
            303,
        )

    def test_procedure_of_no_company_is_not_found(self):
        """A company_id that names no company is a 404, never another
        organisation's procedure."""
        missing = self.env["res.company"].search([], order="id desc", limit=1).id + 1
        for query in (f"company_id={missing}", "company_id=abc"):
            for path in (
                "/qualiopi/procedure",
                "/qualiopi/procedure/print",
                "/qualiopi/procedure/pdf",
            ):
                with self.subTest(path=path, query=query):
                    self.assertEqual(self.url_open(f"{path}?{query}").status_code, 404)

    def test_procedure_public_get_creates_nothing(self):
        company = self.env["res.company"].create({"name": "Organisme Sans Procédure"})
        Procedure = self.env["qualiopi.procedure"].sudo()
        for url in (
            f"/qualiopi/procedure?company_id={company.id}",
            f"/qualiopi/procedure/print?company_id={company.id}",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Organisme Sans Procédure", response.text)
        self.assertEqual(
            self.url_open(f"/qualiopi/procedure/pdf?company_id={company.id}").status_code, 404
        )
        self.assertFalse(Procedure.search_count([("company_id", "=", company.id)]))

    def test_procedure_pdf_rendered_once_per_version(self):
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company)
        Report = self.registry["ir.actions.report"]
        original = Report._render_qweb_pdf
        calls = []

        def counting(report, *args, **kwargs):
            calls.append(args)
            return original(report, *args, **kwargs)

        url = f"/qualiopi/procedure/pdf?company_id={self.company.id}"
        with patch.object(Report, "_render_qweb_pdf", counting):
            first = self.url_open(url)
            second = self.url_open(url)
            self.assertEqual(first.status_code, 200)
            self.assertEqual(first.content, second.content)
            self.assertEqual(len(calls), 1, "the second request is served from the cache")
            procedure.write({"introduction": "<p>Nouvelle version</p>"})
            third = self.url_open(url)
            self.assertEqual(third.status_code, 200)
            self.assertEqual(len(calls), 2, "a new version is rendered again")
            self.url_open(url)
            self.assertEqual(len(calls), 2)

    def test_files_accepted_only_by_their_bytes(self):
        for name, data in (
            ("fake.doc", b"\x00\x01 not a word document " * 10),
            ("fake.xls", b"MZ\x90\x00" + b"0" * 100),
            ("excel.doc", ole2("Workbook")),
            ("word.xls", ole2("WordDocument")),
            ("other.doc", OLE2 + b"\x00" * 64),
            ("zip.docx", office_zip("readme.txt")),
            (
                "macro.docx",
                office_zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
            ),
            ("sheet.docx", office_zip("[Content_Types].xml", "xl/workbook.xml")),
            ("text.pdf", b"Not a PDF at all, just some text here."),
            ("binary.txt", b"text\x00\x01\x02 with nulls"),
        ):
            self._assert_rejected(
                "cannot be accepted",
                files=[("attachments", (name, data, "application/octet-stream"))],
            )
        files = [
            ("attachments", ("word.doc", ole2("WordDocument"), "application/msword")),
            ("attachments", ("sheet.xls", ole2("Workbook"), "application/vnd.ms-excel")),
            (
                "attachments",
                ("letter.docx", office_zip("[Content_Types].xml", "word/document.xml"), "x/y"),
            ),
            ("attachments", ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")),
            ("attachments", ("photo.png", PNG, "image/png")),
        ]
        self.assertEqual(self._post_public(files=files).status_code, 200)
        ticket = self._ticket_of("jeanne.visiteuse@example.com")
        self.assertEqual(
            dict(ticket.attachment_ids.mapped(lambda a: (a.name, a.mimetype))),
            {
                "word.doc": "application/msword",
                "sheet.xls": "application/vnd.ms-excel",
                "letter.docx": (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                ),
                "scan.pdf": "application/pdf",
                "photo.png": "image/png",
            },
        )
