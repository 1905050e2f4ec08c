import base64

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import PNG, QualiopiCommon


@tagged("post_install", "-at_install")
class TestRetention(QualiopiCommon):
    """The daily cron anonymises the closed records whose retention has run
    out: personal data gone, register line kept, the rest untouched."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["res.partner"].create(
            {"name": "Client Formation SA", "is_company": True}
        )
        cls.company.write(
            {
                "qualiopi_retention_years": 3,
                "qualiopi_retention_years_complaint": 0,
                "qualiopi_retention_years_difficulty": 0,
                "qualiopi_retention_years_hazard": 0,
            }
        )

    def _closed_complaint(self, **values):
        """A complaint received, acknowledged, answered (with a file from the
        complainant) and closed on the frozen day."""
        with self.mock_mail_gateway():
            ticket = self._create_complaint(
                partner_phone="+33 6 11 22 33 44",
                qualiopi_client_partner_id=self.client.id,
                event_registration_id=self.registration.id,
                qualiopi_root_cause="Marie Durand n'a pas reçu le support",
                qualiopi_founded="founded",
                **values,
            )
            ticket.message_post(
                body="<p>Bonjour, je suis Marie Durand, voici ma convocation.</p>",
                author_id=self.trainee.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
                attachments=[("convocation.png", PNG)],
            )
            self.env["ir.attachment"].create(
                {
                    "name": "piece.png",
                    "datas": base64.b64encode(PNG),
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
            )
            self._record_answer(ticket)
            ticket.message_subscribe(self.user_qualiopi.partner_id.ids)
            ticket.stage_id = self.stage_done
            # The end of the transaction that closed it: the stage's email.
            self.env.cr.precommit.run()
        return ticket

    def _cron(self):
        return self.env["helpdesk.ticket"]._cron_qualiopi_retention()

    def _messages(self, ticket):
        return self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )

    def test_expired_record_anonymised_register_line_kept(self):
        with freeze_time("2026-01-12 10:00:00"):
            ticket = self._closed_complaint()
        number = ticket.number
        received, ack, answered, closed = (
            ticket.received_date,
            ticket.ack_date,
            ticket.response_date,
            ticket.closed_date,
        )
        self.assertTrue(ack and answered and closed)
        message_ids = self._messages(ticket).ids
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(attachments), 2)
        self.assertTrue(self._messages(ticket).mail_ids)
        with freeze_time("2029-01-11 10:00:00"):
            self.assertNotIn(ticket, self._cron(), "retention not run out yet: kept")
        self.assertFalse(ticket.qualiopi_anonymised_date)
        self.assertEqual(ticket.partner_id, self.trainee)
        with freeze_time("2029-01-13 10:00:00"):
            done = self._cron()
        self.assertIn(ticket, done)
        ticket.invalidate_recordset()
        # Gone: contacts, names, emails, phones, free texts.
        self.assertEqual(str(ticket.qualiopi_anonymised_date), "2029-01-13 10:00:00")
        for fname in (
            "partner_id",
            "partner_name",
            "partner_email",
            "partner_phone",
            "qualiopi_client_partner_id",
            "event_registration_id",
            "qualiopi_root_cause",
            "access_token",
        ):
            self.assertFalse(ticket[fname], fname)
        self.assertNotIn("support", ticket.description)
        self.assertNotIn("Support", ticket.name)
        self.assertIn(number, ticket.name)
        # Kept: the register line and the statistics.
        self.assertEqual(ticket.number, number)
        self.assertEqual(ticket.qualiopi_nature, "complaint")
        self.assertEqual(ticket.stakeholder_type, "trainee")
        self.assertEqual(ticket.event_id, self.event)
        self.assertEqual(ticket.qualiopi_founded, "founded")
        self.assertEqual(
            (ticket.received_date, ticket.ack_date, ticket.response_date, ticket.closed_date),
            (received, ack, answered, closed),
        )
        self.assertTrue(ticket.ack_deadline and ticket.response_deadline)
        self.assertEqual(ticket.qualiopi_status, "closed")
        self.assertTrue(ticket._qualiopi_has_answer_evidence())
        # Gone: message contents, recipients, emails and every file.
        old_messages = self.env["mail.message"].browse(message_ids)
        for message in old_messages:
            self.assertNotIn("Durand", message.body or "")
            self.assertNotIn("marie", (message.body or "").lower())
            self.assertFalse(message.partner_ids)
            self.assertFalse(message.attachment_ids)
            self.assertNotEqual(message.author_id, self.trainee)
            self.assertNotIn("Support", message.record_name or "")
        self.assertFalse(old_messages.mail_ids)
        self.assertFalse(attachments.exists())
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            )
        )
        self.assertNotIn(self.trainee, ticket.message_partner_ids)
        # Staff keep their name on what they wrote and follow.
        self.assertIn(self.user_qualiopi.partner_id, ticket.message_partner_ids)
        self.assertEqual(ticket.response_message_id.author_id, self.env.user.partner_id)
        self.assertFalse(self.env.user.share)
        self.assertFalse(
            old_messages.tracking_value_ids.filtered(
                lambda v: v.field_id.name in ("partner_id", "qualiopi_client_partner_id")
            )
        )
        # Logged, with no personal data.
        new_messages = self._messages(ticket) - old_messages
        for message in new_messages:
            self.assertNotIn("Durand", message.body or "")
            self.assertFalse(message.partner_ids)
        self.assertEqual(len(new_messages), 1)
        self.assertIn("anonymised", new_messages.body)
        log = self.env["ir.logging"].search(
            [("name", "=", "qualiopi_reclamation.retention")], order="id desc", limit=1
        )
        self.assertIn(number, log.message)
        self.assertNotIn("Durand", log.message)
        # Idempotent: a second run finds nothing and changes nothing.
        with freeze_time("2029-01-14 10:00:00"):
            self.assertNotIn(ticket, self._cron())
        self.assertEqual(str(ticket.qualiopi_anonymised_date), "2029-01-13 10:00:00")
        self.assertEqual(self._messages(ticket), old_messages | new_messages)

    def test_open_and_recent_records_skipped(self):
        with freeze_time("2026-01-12 10:00:00"), self.mock_mail_gateway():
            open_ticket = self._create_complaint()
        with freeze_time("2027-06-01 10:00:00"):
            recent = self._closed_complaint()
        with freeze_time("2030-01-13 10:00:00"):
            done = self._cron()
        self.assertNotIn(open_ticket, done)
        self.assertNotIn(recent, done)
        self.assertFalse(open_ticket.qualiopi_anonymised_date)
        self.assertEqual(open_ticket.partner_id, self.trainee)
        self.assertFalse(recent.qualiopi_anonymised_date)
        with freeze_time("2030-06-02 10:00:00"):
            self.assertIn(recent, self._cron())
        self.assertFalse(open_ticket.qualiopi_anonymised_date)

    def test_retention_per_nature(self):
        self.company.qualiopi_retention_years_hazard = 1
        with freeze_time("2026-01-12 10:00:00"):
            complaint = self._closed_complaint()
            hazard = self._create_complaint(
                qualiopi_nature="hazard",
                qualiopi_hazard_measure="Salle de repli, M. Martin prévenu",
                qualiopi_hazard_informed_trainees=True,
            )
            hazard.stage_id = self.stage_done
        with freeze_time("2027-02-01 10:00:00"):
            done = self._cron()
        self.assertIn(hazard, done)
        self.assertNotIn(complaint, done)
        self.assertFalse(hazard.qualiopi_hazard_measure)
        self.assertTrue(hazard.qualiopi_hazard_informed_trainees)
        self.assertFalse(complaint.qualiopi_anonymised_date)

    def test_retention_settings_checked(self):
        with self.assertRaises(ValidationError):
            self.company.qualiopi_retention_years = 0
        self.assertEqual(self.company._qualiopi_retention_years_for("difficulty"), 3)


@tagged("post_install", "-at_install")
class TestRetentionDemo(TransactionCase):
    """The demo shows an old record the daily job anonymised, and the
    disability referent owning the difficulty about a trainee's sight."""

    def test_demo_anonymised_record(self):
        ticket = self.env.ref("qualiopi_reclamation.demo_ticket_difficulty_anonymised")
        self.assertTrue(ticket.qualiopi_anonymised_date)
        self.assertFalse(ticket.partner_id)
        self.assertFalse(ticket.qualiopi_difficulty_handling)
        self.assertNotIn("Benali", ticket.name + ticket.description)
        self.assertEqual(ticket.qualiopi_nature, "difficulty")
        self.assertTrue(ticket.stage_id.closed)
        self.assertLess(ticket.closed_date, ticket.qualiopi_anonymised_date)
        self.assertTrue(ticket.received_date and ticket.qualiopi_cause_category_id)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Benali" in (m.body or "")))

    def test_demo_disability_referent(self):
        referent = self.env.ref("qualiopi_reclamation.demo_user_disability_referent")
        self.assertEqual(
            self.env.ref("base.main_company").qualiopi_disability_referent_id, referent
        )
        self.assertTrue(
            referent.has_group("qualiopi_reclamation.group_qualiopi_disability_referent")
        )
        ticket = self.env.ref("qualiopi_reclamation.demo_ticket_difficulty")
        self.assertEqual(ticket.user_id, referent)
        self.assertTrue(ticket.with_user(referent).qualiopi_health_details)
