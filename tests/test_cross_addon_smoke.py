# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Smoke scenario across the addons, written against the contract of DESIGN.md:
a trainee's complaint on a training session, from the session's side."""

from datetime import datetime, timedelta

from odoo import fields

from .common import CrossAddonCase


class TestCrossAddonSmoke(CrossAddonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.event = cls.env["event.event"].create(
            {
                "name": "Excel advanced - session 1",
                "date_begin": datetime(2026, 3, 2, 8, 0),
                "date_end": datetime(2026, 3, 4, 16, 0),
            }
        )
        cls.trainee = cls.env["res.partner"].create(
            {"name": "Camille Martin", "email": "camille.martin@example.com"}
        )
        cls.registration = cls.env["event.registration"].create(
            {"event_id": cls.event.id, "partner_id": cls.trainee.id}
        )

    def _complaint(self, **values):
        vals = {
            "name": "The trainer did not cover the programme",
            "description": "<p>Two modules of the programme were skipped.</p>",
            "qualiopi_nature": "complaint",
            "stakeholder_type": "trainee",
            "partner_id": self.trainee.id,
            "event_id": self.event.id,
            "event_registration_id": self.registration.id,
            "received_date": fields.Datetime.now() - timedelta(hours=1),
        }
        vals.update(values)
        return self.env["helpdesk.ticket"].create(vals)

    def test_complaint_on_session(self):
        self.assertEqual(self.event.qualiopi_ticket_count, 0)
        complaint = self._complaint()
        # A plain helpdesk ticket on the same session is not a Qualiopi record.
        self.env["helpdesk.ticket"].create(
            {
                "name": "Wi-Fi password",
                "description": "<p>What is it?</p>",
                "event_id": self.event.id,
            }
        )
        self.event.invalidate_recordset(["qualiopi_ticket_ids", "qualiopi_ticket_count"])
        self.assertEqual(self.event.qualiopi_ticket_ids, complaint)
        self.assertEqual(self.event.qualiopi_ticket_count, 1)

        # Deadlines computed from the received date, the answer after the acknowledgement.
        self.assertTrue(complaint.ack_deadline)
        self.assertTrue(complaint.response_deadline)
        self.assertGreater(complaint.ack_deadline, complaint.received_date)
        self.assertGreaterEqual(complaint.response_deadline, complaint.ack_deadline)
        self.assertFalse(complaint.is_overdue)

        # The complainant has an email: acknowledged on creation, and only once.
        self.assertTrue(complaint.ack_date)
        to_trainee = complaint.message_ids.filtered(lambda m: self.trainee in m.partner_ids)
        self.assertTrue(to_trainee, "the acknowledgement was not sent to the complainant")
        ack_date, message_count = complaint.ack_date, len(complaint.message_ids)
        complaint.action_qualiopi_acknowledge()
        self.assertEqual(complaint.ack_date, ack_date)
        self.assertEqual(len(complaint.message_ids), message_count)
