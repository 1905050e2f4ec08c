from unittest.mock import patch

from odoo import SUPERUSER_ID
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.qualiopi_reclamation.models.helpdesk_ticket_public import QualiopiPublicRefusal

from .common import PNG, PUBLIC_FORM_VALUES, QualiopiCommon, office_zip


@tagged("post_install", "-at_install")
class TestPublicIntake(QualiopiCommon):
    """helpdesk.ticket._qualiopi_create_from_public, called as the public user
    without HTTP: what a visitor's values and files become, and what they never do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_public_team_id = cls.team
        cls.Public = cls.env["helpdesk.ticket"].with_user(cls.env.ref("base.public_user"))
        cls.existing = cls.env["res.partner"].create(
            {"name": "Claire Existante", "email": "claire@example.com", "phone": "0102"}
        )

    def _file(self, files=(), ip_address="192.0.2.1", embed_nonce=False, **values):
        return self.Public._qualiopi_create_from_public(
            {**PUBLIC_FORM_VALUES, **values}, files, ip_address=ip_address, embed_nonce=embed_nonce
        )

    def _counts(self):
        return {
            "tickets": self.env["helpdesk.ticket"].search_count([]),
            "partners": self.env["res.partner"].with_context(active_test=False).search_count([]),
            "attachments": self.env["ir.attachment"].search_count(
                [("res_model", "=", "helpdesk.ticket")]
            ),
            "attempts": self.env["qualiopi.public.attempt"].search_count([]),
            "messages": self.env["mail.message"].search_count([("model", "=", "helpdesk.ticket")]),
        }

    def _assert_refused(self, pattern, files=(), too_many=False, **values):
        before = self._counts()
        with self.assertRaises(QualiopiPublicRefusal) as caught:
            self._file(files, **values)
        self.assertRegex(str(caught.exception), pattern)
        self.assertEqual(caught.exception.too_many, too_many)
        self.assertEqual(self._counts(), before, "a refused submission writes nothing")
        return caught.exception

    def test_good_values_make_an_acknowledged_record(self):
        with self.mock_mail_gateway():
            ticket = self._file(
                files=[("C:\\Users\\jeanne\\preuve.png", PNG)],
                training_reference=f" {self.event.qualiopi_reference.lower()} ",
                partner_email=" Jeanne.Visiteuse@Example.com ",
            )
            self._send_queued_acknowledgements()
        self.assertEqual(ticket.create_uid.id, SUPERUSER_ID, "filed by the system")
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(ticket.stakeholder_type, "trainee")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.user_manager, "the team's leader owns it")
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(ticket.channel_id, self.channel_web)
        self.assertEqual(ticket.name, "Le support de cours n'a jamais été envoyé.")
        self.assertEqual(ticket.partner_email, "jeanne.visiteuse@example.com")
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.event_id, self.event, "the session of the reference")
        self.assertFalse(ticket.event_registration_id, "a registration is a contact")
        self.assertTrue(ticket.received_date)
        self.assertTrue(ticket.access_token, "the confirmation's link is ready")
        self.assertEqual(
            ticket.attachment_ids.mapped(lambda a: (a.name, a.mimetype)),
            [("preuve.png", "image/png")],
            "the visitor's path is dropped, the type read from the bytes",
        )
        attempt = self.env["qualiopi.public.attempt"].search([], limit=1)
        self.assertEqual(
            (attempt.ip_address, attempt.email), ("192.0.2.1", "jeanne.visiteuse@example.com")
        )
        self.assertTrue(ticket.ack_date, "a complaint is acknowledged at once")
        # The visitor gets the acknowledgement by email; the owner, who handles
        # records in Odoo, follows the record and is told in the inbox.
        self.assertEqual(
            self._new_mails.recipient_ids.mapped("email_normalized"),
            ["jeanne.visiteuse@example.com"],
        )
        self.assertIn(self.user_manager.partner_id, ticket.message_partner_ids)

    def test_markup_becomes_text(self):
        ticket = self._file(
            partner_name='Jeanne "><img src=x onerror=alert(1)>',
            description="<b>Gras</b> <script>alert('x')</script> le support manque.\n"
            "Voir https://spam.example.com",
            training_reference="<a href='https://spam.example.com'>Excel</a>",
        )
        for tag in ("<b>", "<script>", "<a", "<img"):
            self.assertNotIn(tag, ticket.description, "no markup, no link made of an address")
        self.assertIn("&lt;script&gt;", ticket.description)
        self.assertIn("&lt;a href=", ticket.description)
        self.assertEqual(ticket.name, "<b>Gras</b> <script>alert('x')</script> le support manque.")
        self.assertEqual(ticket.partner_name, 'Jeanne "><img src=x onerror=alert(1)>')
        self.assertFalse(ticket.event_id)

    def test_unknown_session_reference_links_nothing(self):
        ticket = self._file(training_reference="SES-1999-9999")
        self.assertFalse(ticket.event_id)
        self.assertIn("SES-1999-9999", ticket.description, "kept as typed")
        other_company = self.env["res.company"].create({"name": "Autre organisme"})
        elsewhere = self.env["event.event"].create(
            {
                "name": "Session ailleurs",
                "date_begin": "2026-03-02 08:00:00",
                "date_end": "2026-03-04 16:00:00",
                "company_id": other_company.id,
            }
        )
        ticket = self._file(training_reference=elsewhere.qualiopi_reference)
        self.assertFalse(ticket.event_id, "never another company's session")

    def test_existing_contact_email_links_no_contact(self):
        before = self._counts()["partners"]
        ticket = self._file(partner_name="Mallory", partner_email="CLAIRE@example.com")
        self.assertFalse(ticket.partner_id, "a typed email links no contact")
        self.assertEqual(ticket.partner_name, "Mallory")
        self.assertEqual(ticket.qualiopi_suggested_partner_id, self.existing, "staff decide")
        self.assertEqual(
            (self.existing.name, self.existing.phone), ("Claire Existante", "0102"), "untouched"
        )
        self.assertEqual(self._counts()["partners"], before, "nor a contact made")

    def test_bad_file_creates_nothing(self):
        refusal = self._assert_refused(
            "fake.pdf cannot be accepted",
            files=[
                ("preuve.png", PNG),
                ("fake.pdf", b"MZ\x90\x00" + b"0" * 100),
                (
                    "macro.docx",
                    office_zip("[Content_Types].xml", "word/document.xml", "a/vbaProject.bin"),
                ),
            ],
        )
        self.assertEqual(len(refusal.errors), 2, "every bad file is named")
        self._assert_refused("empty", files=[("vide.txt", b"")])
        self._assert_refused("Attach 5 files at most", files=[(f"p{i}.png", PNG) for i in range(6)])

    def test_every_error_at_once_and_translated(self):
        refusal = self._assert_refused(
            "Enter your name",
            partner_name="",
            partner_email="a@example.com, b@example.com",
            stakeholder_type="staff",
            qualiopi_nature="hazard",
            consent="",
        )
        self.assertEqual(len(refusal.errors), 5, refusal.errors)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_reclamation"], ["fr_FR"], overwrite=True
        )
        self.Public = self.Public.with_context(lang="fr_FR")
        self._assert_refused("Cochez la case", consent="")

    def test_limits_and_embed_token(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("qualiopi_reclamation.public_max_per_email", 1)
        self._file(embed_nonce="0" * 32)
        self._assert_refused("Too many submissions", too_many=True, ip_address="192.0.2.2")
        params.set_param("qualiopi_reclamation.public_max_per_email", 10)
        self._assert_refused(
            "already been sent once", partner_email="other@example.com", embed_nonce="0" * 32
        )

    def test_failure_while_writing_leaves_nothing(self):
        """A failure after the record was created takes the record back too."""
        before = self._counts()
        with (
            patch.object(
                self.registry["qualiopi.public.attempt"],
                "create",
                side_effect=RuntimeError("disk full"),
            ),
            mute_logger("odoo.sql_db"),
            self.assertRaises(RuntimeError),
        ):
            self._file(files=[("preuve.png", PNG)])
        self.assertEqual(self._counts(), before)
