import holidays
import pytz

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.qualiopi_reclamation.controllers.main import PUBLIC_STAKEHOLDER_TYPES


def demo_records(
    env, model, modules=("qualiopi_reclamation", "qualiopi_survey", "qualiopi_mediation")
):
    """The records of ``model`` that the Qualiopi addons' demo data created."""
    data = env["ir.model.data"].search([("model", "=", model), ("module", "in", modules)])
    return env[model].browse(data.mapped("res_id")).exists()


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo tells a story an auditor accepts: what it shows is evidence."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")

    def test_closed_complaints_carry_the_messages_sent(self):
        closed = self.env["helpdesk.ticket"].search(
            [("qualiopi_nature", "=", "complaint"), ("stage_id.closed", "=", True)]
        )
        self.assertIn(self.env.ref("qualiopi_reclamation.demo_ticket_complaint_closed"), closed)
        for ticket in closed:
            self.assertFalse(ticket.qualiopi_imported, ticket.display_name)
            for message, date in (
                (ticket.ack_message_id, ticket.ack_date),
                (ticket.response_message_id, ticket.response_date),
            ):
                self.assertTrue(message.exists(), ticket.display_name)
                self.assertEqual((message.model, message.res_id), (ticket._name, ticket.id))
                self.assertIn(message.message_type, ("email", "comment"))
                self.assertIn(ticket.partner_id, message.partner_ids)
                self.assertEqual(date, message.date, "the evidence's date is the message's")
                self.assertIn(ticket.number, message.body)
            self.assertNotIn("<p><br></p>", ticket.response_message_id.body, "answer written")
            self.assertEqual(ticket.ack_method, "email")
            self.assertEqual(ticket.response_method, "email")
            self.assertLess(ticket.ack_date, ticket.response_date)
            self.assertLessEqual(ticket.response_date, ticket.response_deadline)

    def test_acknowledgement_in_french(self):
        ticket = self.env.ref("qualiopi_reclamation.demo_ticket_complaint_closed")
        self.assertEqual(ticket.partner_id.lang, "fr_FR")
        body = ticket.ack_message_id.body
        self.assertIn("Nous avons bien reçu votre réclamation", body)
        self.assertIn(ticket.event_id.name, body)
        self.assertNotIn("We have received", body)
        self.assertIn("Accusé de réception", ticket.ack_message_id.subject)

    def test_sessions_start_on_working_days(self):
        sessions = demo_records(self.env, "event.event")
        self.assertGreaterEqual(len(sessions), 3)
        years = {s.date_begin.year for s in sessions} | {s.date_end.year for s in sessions}
        french_holidays = holidays.France(years=years)
        tz = pytz.timezone("Europe/Paris")
        for session in sessions:
            start = pytz.utc.localize(session.date_begin).astimezone(tz).date()
            self.assertLess(start.weekday(), 5, f"{session.name} starts on a weekend")
            self.assertNotIn(start, french_holidays, f"{session.name} starts on a holiday")
            self.assertTrue(session.qualiopi_reference, "a training session has its reference")

    def test_stock_events_have_no_session_reference(self):
        stock = demo_records(self.env, "event.event", modules=("event",))
        self.assertTrue(stock, "Odoo's event demo is loaded")
        self.assertFalse(any(stock.mapped("qualiopi_reference")))
        # Filling the references again (as an update of the module does) leaves
        # them alone, and still gives one to a session that has none.
        session = self.env["event.event"].create(
            {
                "name": "Excel perfectionnement - groupe 9",
                "date_begin": "2030-01-07 07:30:00",
                "date_end": "2030-01-08 16:00:00",
            }
        )
        session.qualiopi_reference = False
        self.env["event.event"]._qualiopi_fill_references()
        self.assertFalse(any(stock.mapped("qualiopi_reference")))
        self.assertRegex(session.qualiopi_reference, r"^SES-\d{4}-\d{4,}$")

    def test_auditor_login(self):
        auditor = self.env["res.users"].search([("login", "=", "auditeur")])
        self.assertEqual(len(auditor), 1)
        self.assertTrue(auditor.has_group("qualiopi_reclamation.group_qualiopi_auditor"))
        self.assertFalse(auditor.has_group("qualiopi_reclamation.group_qualiopi_user"))
        self.assertEqual(auditor.lang, "fr_FR")
        # The password is the demo's: the login works.
        auditor.with_user(auditor)._check_credentials(
            {"login": "auditeur", "password": "auditeur", "type": "password"},
            {"interactive": False},
        )

    def test_complaint_team_and_alias(self):
        team = self.env.ref("qualiopi_reclamation.demo_helpdesk_team_quality")
        self.assertEqual(team.user_id, self.env.ref("base.user_admin"), "a leader")
        self.assertEqual(team.qualiopi_default_nature, "complaint")
        self.assertEqual(team.alias_id.display_name, "reclamations@horizon-formation.example")
        self.assertEqual(self.company.qualiopi_public_team_id, team)

    def test_recurrence(self):
        phone = self.env.ref("qualiopi_reclamation.demo_ticket_complaint_phone")
        hazard = self.env.ref("qualiopi_reclamation.demo_ticket_hazard_room")
        self.assertEqual(phone.qualiopi_cause_category_id, hazard.qualiopi_cause_category_id)
        self.assertEqual(phone.event_id, hazard.event_id)
        self.assertLess(hazard.received_date, phone.received_date)
        self.assertTrue(phone.qualiopi_recurrent)
        self.assertFalse(hazard.qualiopi_recurrent)

    def test_annual_reviews(self):
        Review = self.env["qualiopi.annual.review"]
        year = self.env.cr.now().year
        last = Review.search([("company_id", "=", self.company.id), ("year", "=", year - 1)])
        this = Review.search([("company_id", "=", self.company.id), ("year", "=", year)])
        self.assertEqual(last.state, "approved")
        self.assertEqual(last.approver_id, self.env.ref("base.user_admin"))
        self.assertTrue(last.figures)
        self.assertEqual(this.state, "draft")
        self.assertTrue(this.figures)

    def test_convocation_links_the_procedure(self):
        self.assertTrue(self.company.qualiopi_procedure_in_event_mail)
        registration = self.env.ref("qualiopi_reclamation.demo_registration_11")
        mail = self.env["mail.mail"].search(
            [("model", "=", "event.registration"), ("res_id", "=", registration.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("/qualiopi/procedure", mail.body_html)
        self.assertIn(registration.event_id.qualiopi_reference, mail.body_html)
        # In the attendee's language, as the composer adds it to session emails.
        self.assertIn("Voyez comment nous le signaler", mail.body_html)
        self.assertIn("Nous sommes heureux de confirmer", mail.body_html)


@tagged("post_install", "-at_install")
class TestDemoPublicPages(HttpCase):
    def test_procedure_pdf_per_language(self):
        self.assertIn("fr_FR", dict(self.env["res.lang"].get_installed()))
        page = self.url_open("/qualiopi/procedure").text
        company = self.env.ref("base.main_company")
        for lang in ("fr_FR", "en_US"):
            self.assertIn(f"/qualiopi/procedure/pdf?company_id={company.id}&amp;lang={lang}", page)
        # In test mode the report is rendered as HTML: its language can be read.
        french = self.url_open(f"/qualiopi/procedure/pdf?company_id={company.id}&lang=fr_FR")
        english = self.url_open(f"/qualiopi/procedure/pdf?company_id={company.id}&lang=en_US")
        self.assertIn("Comment nous traitons vos réclamations", french.text)
        self.assertIn("How we handle your complaints", english.text)

    def test_public_form_offers_tutor(self):
        self.assertIn("tutor", PUBLIC_STAKEHOLDER_TYPES)
        self.assertIn(
            "tutor", dict(self.env["helpdesk.ticket"]._fields["stakeholder_type"].selection)
        )
        page = self.url_open("/qualiopi/reclamation").text
        self.assertIn('value="tutor"', page)
        french = self.url_open("/fr/qualiopi/reclamation").text
        self.assertIn("Tuteur ou maître d&#39;apprentissage", french)
