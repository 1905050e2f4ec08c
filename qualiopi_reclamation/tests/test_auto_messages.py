from odoo.tests import tagged

from .common import QualiopiCommon

# {placeholders} filled by MailCommon.format(); {extra} carries the header tried.
AUTO_MAIL_TEMPLATE = """Return-Path: {return_path}
From: {email_from}
To: {to}
Cc: {cc}
Subject: {subject}
Message-ID: {msg_id}
References: {references}
{extra}Content-Type: text/plain; charset="utf-8"

Bonjour, je suis absent du bureau jusqu'au 15.
"""


@tagged("post_install", "-at_install")
class TestAutoMessages(QualiopiCommon):
    """Automatic mail reaching a complaint alias is never a Qualiopi record and is
    never acknowledged; a human's email to the same alias is both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.alias_name = "reclamations"
        cls.team.alias_defaults = (
            "{'qualiopi_nature': 'complaint', 'stakeholder_type': 'other', "
            f"'team_id': {cls.team.id}}}"
        )
        cls.alias_email = f"reclamations@{cls.alias_domain}"

    def _process(self, subject, extra="", email_from="Jean Dupont <jean.dupont@example.com>"):
        with self.mock_mail_gateway():
            tickets = self.format_and_process(
                AUTO_MAIL_TEMPLATE,
                email_from,
                self.alias_email,
                subject=subject,
                extra=extra,
                target_model="helpdesk.ticket",
            )
            self._send_queued_acknowledgements()
        acknowledgements = self._new_mails.filtered(
            lambda m: "Acknowledgement of receipt" in (m.subject or "")
        )
        return tickets, acknowledgements

    def test_human_email_is_a_complaint_acknowledged(self):
        ticket, acknowledgements = self._process("Réclamation formation")
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertTrue(ticket.ack_date)
        self.assertEqual(len(acknowledgements), 1)

    def test_automatic_headers_give_no_qualiopi_record(self):
        cases = [
            ("auto-replied", "Auto-Submitted: auto-replied\n"),
            ("auto-generated", "Auto-Submitted: auto-generated\n"),
            ("precedence bulk", "Precedence: bulk\n"),
            ("precedence list", "Precedence: list\n"),
            ("precedence junk", "Precedence: junk\n"),
            ("x-autoreply", "X-Autoreply: yes\n"),
            ("x-autorespond", "X-Autorespond: Absence du bureau\n"),
            ("list-id", "List-Id: <formation.lists.example.com>\n"),
            ("list-unsubscribe", "List-Unsubscribe: <mailto:unsubscribe@example.com>\n"),
        ]
        for label, header in cases:
            with self.subTest(header=label):
                subject = f"Absence du bureau ({label})"
                ticket, acknowledgements = self._process(subject, extra=header)
                self.assertLessEqual(len(ticket), 1)
                self.assertFalse(ticket.qualiopi_nature, "filed as a plain ticket at most")
                self.assertFalse(ticket.ack_date)
                self.assertFalse(acknowledgements, "an automatic message is never acknowledged")

    def test_bounces_give_no_record(self):
        for label, sender in (
            ("mailer-daemon", "Mail Delivery System <MAILER-DAEMON@mx.example.com>"),
            ("postmaster", "postmaster@mx.example.com"),
        ):
            with self.subTest(sender=label):
                subject = f"Undelivered Mail Returned to Sender ({label})"
                ticket, acknowledgements = self._process(subject, email_from=sender)
                self.assertFalse(ticket.qualiopi_nature)
                self.assertFalse(ticket.ack_date)
                self.assertFalse(acknowledgements)
        self.assertFalse(
            self.env["helpdesk.ticket"].search(
                [("qualiopi_nature", "!=", False), ("name", "like", "Undelivered")]
            )
        )
