from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import QualiopiCommon, QualiopiRpcMixin


@tagged("post_install", "-at_install")
class TestBadInput(HttpCase, QualiopiRpcMixin, QualiopiCommon):
    """Refused input leaves nothing behind. The refusals are made over
    JSON-RPC, as a client makes them, and the state is read in the
    transaction that the failed request left: not after ``assertRaises``,
    whose savepoint would hide what the code wrote before raising."""

    def assertRefused(self, message, func, *args, **kwargs):
        """The message of a refusal (nothing is checked about the state)."""
        with self.assertRaises(ValidationError) as caught:
            func(*args, **kwargs)
        self.assertIn(message, str(caught.exception))

    def _state(self):
        """What a refused call must not change: the register's records, the
        emails queued, and the emails handed to the mail server."""
        self.env.flush_all()
        return (
            self.env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)]),
            self.env["mail.mail"].search_count([]),
            len(self._mails),
        )

    def _values(self, **values):
        return {
            key: fields.Datetime.to_string(value) if isinstance(value, datetime) else value
            for key, value in self._complaint_values(**values).items()
        }

    def test_future_received_date(self):
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        with self.mock_mail_gateway():
            before = self._state()
            self.assertRefusedOverRpc(
                ValidationError,
                "in the future",
                self.user_qualiopi,
                "helpdesk.ticket",
                "create",
                [self._values(received_date=tomorrow)],
            )
            self.assertEqual(self._state(), before, "no record, no acknowledgement")

    def test_nature_without_stakeholder_type(self):
        with self.mock_mail_gateway():
            before = self._state()
            self.assertRefusedOverRpc(
                ValidationError,
                "stakeholder type",
                self.user_qualiopi,
                "helpdesk.ticket",
                "create",
                [self._values(stakeholder_type=False)],
            )
            self.assertEqual(self._state(), before)

    def test_oral_complaint_needs_transcriber(self):
        with self.mock_mail_gateway():
            before = self._state()
            # A complaint received by phone by a staff user records them automatically.
            ticket = self._create_complaint(
                user=self.user_qualiopi, channel_id=self.channel_phone.id
            )
            self.assertEqual(ticket.qualiopi_transcribed_by_id, self.user_qualiopi)
            after_creation = self._state()
            self.assertEqual(after_creation[0], before[0] + 1)
            # The transcriber is evidence: set once, a manager corrects it with a reason.
            self.assertRefusedOverRpc(
                AccessError,
                "set once",
                self.user_qualiopi,
                "helpdesk.ticket",
                "write",
                [ticket.ids, {"qualiopi_transcribed_by_id": False}],
            )
            self.assertEqual(ticket.qualiopi_transcribed_by_id, self.user_qualiopi)
            self.assertEqual(self._state(), after_creation)

    def test_acknowledgement_before_receipt_refused(self):
        self.company.qualiopi_auto_ack = False
        now = fields.Datetime.now().replace(microsecond=0)
        ticket = self._create_complaint(received_date=now - timedelta(days=1))
        for ack_date, message in (
            (now - timedelta(days=2), "before the date"),
            (now + timedelta(days=1), "in the future"),
        ):
            # An acknowledgement given outside email is recorded through its wizard.
            wizard = (
                self.env["qualiopi.acknowledge.wizard"]
                .with_user(self.user_manager)
                .create({"ticket_id": ticket.id, "ack_method": "letter", "ack_date": ack_date})
            )
            self.assertRefusedOverRpc(
                ValidationError,
                message,
                self.user_manager,
                "qualiopi.acknowledge.wizard",
                "action_confirm",
                [wizard.ids],
            )
            self.assertFalse(ticket.ack_date)
            self.assertFalse(ticket.ack_method)

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
