from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestBadInput(QualiopiCommon):
    def assertRefused(self, message, func, *args, **kwargs):
        """Odoo's assertRaises rolls back to a savepoint; check the message too."""
        with self.assertRaises(ValidationError) as caught:
            func(*args, **kwargs)
        self.assertIn(message, str(caught.exception))

    def _assert_nothing_saved(self, before):
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)]),
            before,
        )

    @freeze_time("2026-03-02 09:00:00")
    def test_future_received_date(self):
        before = self.env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)])
        with self.mock_mail_gateway():
            self.assertRefused(
                "in the future",
                self._create_complaint,
                received_date="2026-03-03 09:00:00",
            )
        self._assert_nothing_saved(before)
        self.assertFalse(self._new_mails, "no acknowledgement for a refused record")

    def test_nature_without_stakeholder_type(self):
        before = self.env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)])
        self.assertRefused("stakeholder type", self._create_complaint, stakeholder_type=False)
        self._assert_nothing_saved(before)

    def test_oral_complaint_needs_transcriber(self):
        before = self.env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)])
        # A complaint received by phone by a staff user records them automatically.
        ticket = self._create_complaint(user=self.user_qualiopi, channel_id=self.channel_phone.id)
        self.assertEqual(ticket.transcribed_by_id, self.user_qualiopi)
        # As superuser: a user may not even try, the transcriber is set once.
        self.assertRefused("transcribed", ticket.sudo().write, {"transcribed_by_id": False})
        self.assertEqual(ticket.transcribed_by_id, self.user_qualiopi)
        self._assert_nothing_saved(before + 1)

    @freeze_time("2026-03-05 09:00:00")
    def test_acknowledgement_before_receipt_refused(self):
        self.company.qualiopi_auto_ack = False
        ticket = self._create_complaint(received_date="2026-03-04 09:00:00")
        self.assertRefused(
            "before the date",
            ticket.write,
            {"ack_date": "2026-03-03 09:00:00", "ack_method": "letter"},
        )
        self.assertRefused(
            "in the future",
            ticket.write,
            {"ack_date": "2026-03-06 09:00:00", "ack_method": "letter"},
        )
        self.assertFalse(ticket.ack_date)

    def test_registration_of_another_session_refused(self):
        other_event = self.event.copy({"name": "Autre session"})
        self.assertRefused(
            "another session",
            self._create_complaint,
            event_id=other_event.id,
            event_registration_id=self.registration.id,
        )

    def test_company_settings_checked(self):
        with self.assertRaises(ValidationError):
            self.company.qualiopi_response_days = 0
        with self.assertRaises(ValidationError):
            self.company.write({"qualiopi_ack_days": 12, "qualiopi_response_days": 10})

    def test_errors_are_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_reclamation"], ["fr_FR"], overwrite=True
        )
        self.assertRefused(
            "type de partie prenante",
            self.env["helpdesk.ticket"].with_context(lang="fr_FR").create,
            self._complaint_values(stakeholder_type=False),
        )
