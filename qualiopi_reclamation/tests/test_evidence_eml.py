import email
import email.policy
import email.utils

from freezegun import freeze_time

from odoo.tests import tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestEvidenceEml(QualiopiCommon):
    """The .eml of the evidence pack, read back by Python's own email parser
    as a mail client would: headers, HTML body and an attachment intact."""

    def test_message_with_attachment_and_accents(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint()
            message = ticket.with_user(self.user_qualiopi).message_post(
                body="<p>Réponse à votre réclamation : remboursement accordé.</p>",
                subject="Réponse — réclamation « Excel »",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.trainee.ids,
                attachments=[("courrier-réponse.pdf", b"%PDF-1.4 courrier\x00\xff")],
            )
        raw = self.env["qualiopi.evidence.pack"]._qualiopi_message_eml(message)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "CRLF line ends only")
        eml = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(eml["Subject"], "Réponse — réclamation « Excel »")
        self.assertEqual(
            email.utils.parsedate_to_datetime(eml["Date"]).replace(tzinfo=None), message.date
        )
        self.assertIn(self.trainee.email, eml["To"])
        self.assertEqual(eml["X-Odoo-Message-Id"], str(message.id))
        self.assertEqual(eml["X-Odoo-Record"], f"helpdesk.ticket,{ticket.id}")
        self.assertIn("remboursement accordé", eml.get_body(("html",)).get_content())
        [attachment] = list(eml.iter_attachments())
        self.assertEqual(attachment.get_filename(), "courrier-réponse.pdf")
        self.assertEqual(attachment.get_content(), b"%PDF-1.4 courrier\x00\xff")

    def test_message_alone(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint()
            message = ticket.message_post(body="<p>Bien reçu.</p>", subject="Accusé de réception")
        eml = email.message_from_bytes(
            self.env["qualiopi.evidence.pack"]._qualiopi_message_eml(message),
            policy=email.policy.default,
        )
        self.assertFalse(eml.is_multipart())
        self.assertEqual(eml.get_content_type(), "text/html")
        self.assertIn("Bien reçu.", eml.get_content())
