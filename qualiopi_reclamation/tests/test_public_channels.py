from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import email_normalize, mute_logger

from .common import QualiopiCommon

MAIL = (
    "From: {sender}\n"
    "To: {to}\n"
    "Subject: {subject}\n"
    "Message-ID: <{msgid}@example.com>\n"
    "{extra}"
    "Content-Type: text/plain\n\n"
    "Bonjour, la formation ne correspond pas au programme annoncé.\n"
)


@tagged("post_install", "-at_install")
class TestPublicChannels(QualiopiCommon):
    """The email alias, the portal's privacy and the link in session emails."""

    def _process(self, subject, msgid, extra="", sender="Jean Dupont <jean.dupont@example.com>"):
        return self.env["helpdesk.ticket"].browse(
            self.env["mail.thread"].message_process(
                None,
                MAIL.format(
                    sender=sender,
                    to=f"reclamations@{self.alias_domain}",
                    subject=subject,
                    msgid=msgid,
                    extra=extra,
                ),
            )
        )

    def test_alias_of_a_complaint_team_files_acknowledged_complaints(self):
        self.team.write({"alias_name": "reclamations", "qualiopi_default_nature": "complaint"})
        with self.mock_mail_gateway():
            ticket = self._process("Réclamation formation", "human-1")
            auto = self._process(
                "Absence du bureau", "auto-1", extra="Auto-Submitted: auto-replied\n"
            )
            self._send_queued_acknowledgements()
            self.env.flush_all()
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(ticket.stakeholder_type, "other")
        self.assertEqual(
            ticket.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email")
        )
        self.assertEqual(email_normalize(ticket.partner_email), "jean.dupont@example.com")
        self.assertTrue(ticket.ack_date, "an email complaint is acknowledged")
        self.assertTrue(ticket.response_deadline)
        self.assertFalse(auto.qualiopi_nature, "an automatic reply is a plain ticket")
        self.assertFalse(auto.ack_date, "an automatic reply is never acknowledged")
        acks = self._new_mails.filtered(lambda m: "Acknowledgement of receipt" in (m.subject or ""))
        self.assertEqual(acks.mapped("recipient_ids.email"), ["jean.dupont@example.com"])

    def test_alias_of_an_ordinary_team_files_ordinary_tickets(self):
        self.team.write({"alias_name": "reclamations", "qualiopi_default_nature": False})
        with self.mock_mail_gateway():
            ticket = self._process("Question", "plain-1")
        self.assertTrue(ticket)
        self.assertFalse(ticket.qualiopi_nature)
        self.assertFalse(ticket.ack_date)

    def test_alias_difficulty_team(self):
        self.team.write({"alias_name": "reclamations", "qualiopi_default_nature": "difficulty"})
        with self.mock_mail_gateway():
            ticket = self._process("Difficulté de financement", "diff-1")
        self.assertEqual(ticket.qualiopi_nature, "difficulty")
        self.assertFalse(ticket.ack_date, "only complaints are acknowledged")

    def test_portal_user_reads_only_own_records(self):
        (portal_a, portal_b), _client = self._portal_colleagues("Anne Portail", "Bruno Portail")
        own = self._create_complaint(partner_id=portal_a.partner_id.id, name="Mine")
        colleague = self._create_complaint(partner_id=portal_b.partner_id.id, name="Colleague's")
        plain = self.env["helpdesk.ticket"].create(
            {
                "name": "Ordinary ticket",
                "description": "<p>x</p>",
                "partner_id": portal_b.partner_id.id,
            }
        )
        Ticket = self.env["helpdesk.ticket"].with_user(portal_a)
        visible = Ticket.search([])
        self.assertIn(own, visible)
        self.assertNotIn(colleague, visible, "a colleague's complaint stays private")
        self.assertIn(plain, visible, "ordinary tickets keep helpdesk_mgmt's rule")
        with self.assertRaises(AccessError):
            colleague.with_user(portal_a).read(["name"])
        # Internal users are not restricted by this rule.
        self.assertIn(
            colleague, self.env["helpdesk.ticket"].with_user(self.user_qualiopi).search([])
        )

    def _send_registration_mail(self, template_xmlid):
        registration = self.registration
        composer = (
            self.env["mail.compose.message"]
            .with_context(mail_composer_force_partners=False)
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": "event.registration",
                    "res_ids": registration.ids,
                    "template_id": self.env.ref(template_xmlid).id,
                }
            )
        )
        with self.mock_mail_gateway():
            composer._action_send_mail()
        return self._new_mails

    def test_procedure_link_in_session_emails(self):
        self.registration.email = "marie.durand@example.com"
        reference = self.registration.event_id.qualiopi_reference
        self.assertRegex(reference, r"^SES-\d{4}-\d{4,}$")
        for template in ("event.event_subscription", "event.event_reminder"):
            self.company.qualiopi_procedure_in_event_mail = False
            mails = self._send_registration_mail(template)
            self.assertTrue(mails)
            self.assertNotIn("/qualiopi/procedure", mails.body_html)
            self.assertNotIn(reference, mails.body_html)
            self.company.qualiopi_procedure_in_event_mail = True
            mails = self._send_registration_mail(template)
            self.assertIn("/qualiopi/procedure", mails.body_html)
            self.assertIn("/qualiopi/reclamation", mails.body_html)
            self.assertIn(f"<strong>{reference}</strong>", mails.body_html)
        # Without the public form, the emails link only the procedure.
        self.company.qualiopi_public_form_enabled = False
        mails = self._send_registration_mail("event.event_reminder")
        self.assertIn("/qualiopi/procedure", mails.body_html)
        self.assertNotIn("/qualiopi/reclamation", mails.body_html)

    def test_session_reference_is_stable_and_unique(self):
        first = self.event
        second = first.copy({"name": "Excel avancé - deuxième session"})
        self.assertRegex(first.qualiopi_reference, r"^SES-\d{4}-\d{4,}$")
        self.assertRegex(second.qualiopi_reference, r"^SES-\d{4}-\d{4,}$")
        self.assertNotEqual(first.qualiopi_reference, second.qualiopi_reference)
        reference = first.qualiopi_reference
        first.write({"name": "Excel avancé (renamed)"})
        self.assertEqual(first.qualiopi_reference, reference, "renaming keeps the reference")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            second.write({"qualiopi_reference": reference})
            second.flush_recordset()
