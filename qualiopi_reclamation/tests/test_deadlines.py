from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestDeadlines(QualiopiCommon):
    """Paris is UTC+1 until 29 March 2026, UTC+2 after: 17:00 in Paris is 16:00
    or 15:00 UTC."""

    def _deadlines(self, ticket):
        return str(ticket.ack_deadline), str(ticket.response_deadline)

    @freeze_time("2026-03-02 09:00:00")
    def test_monday_morning(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        self.assertEqual(self._deadlines(ticket), ("2026-03-04 16:00:00", "2026-03-16 16:00:00"))
        # The reminder is due when the deadline's working day starts.
        self.assertEqual(str(ticket.ack_reminder_date), "2026-03-04 07:00:00")

    @freeze_time("2026-03-09 09:00:00")
    def test_across_weekend(self):
        friday_afternoon = self._create_complaint(received_date="2026-03-06 14:00:00")
        self.assertEqual(str(friday_afternoon.ack_deadline), "2026-03-10 16:00:00")
        # Received after closing time: the count starts on the next working day.
        friday_evening = self._create_complaint(received_date="2026-03-06 17:30:00")
        self.assertEqual(str(friday_evening.ack_deadline), "2026-03-11 16:00:00")
        saturday = self._create_complaint(received_date="2026-03-07 10:00:00")
        self.assertEqual(str(saturday.ack_deadline), "2026-03-11 16:00:00")

    @freeze_time("2026-05-20 09:00:00")
    def test_public_holidays(self):
        wizard = self.env["qualiopi.public.holiday.wizard"].create(
            {"calendar_id": self.calendar.id, "year": 2026}
        )
        wizard.action_confirm()
        leaves = self.calendar.leave_ids.filtered(lambda leave: not leave.resource_id)
        self.assertEqual(len(leaves), 11, "metropolitan France has 11 public holidays")
        # Running it again adds nothing.
        wizard.action_confirm()
        self.assertEqual(
            len(self.calendar.leave_ids.filtered(lambda leave: not leave.resource_id)), 11
        )
        # Wednesday 29 April: Friday 1 May is a holiday, so day 2 is Monday 4 May.
        ticket = self._create_complaint(received_date="2026-04-29 08:00:00")
        self.assertEqual(str(ticket.ack_deadline), "2026-05-04 15:00:00")
        # 10 business days skip 1, 8 and 14 May: Monday 18 May.
        self.assertEqual(str(ticket.response_deadline), "2026-05-18 15:00:00")

    def test_alsace_moselle_holidays(self):
        wizard = self.env["qualiopi.public.holiday.wizard"].create(
            {"calendar_id": self.calendar.id, "year": 2026, "alsace_moselle": True}
        )
        wizard.action_confirm()
        self.assertEqual(
            len(self.calendar.leave_ids.filtered(lambda leave: not leave.resource_id)), 13
        )

    @freeze_time("2026-03-09 09:00:00")
    def test_calendar_leave_moves_open_deadlines(self):
        ticket = self._create_complaint(received_date="2026-03-06 14:00:00")
        self.assertEqual(str(ticket.ack_deadline), "2026-03-10 16:00:00")
        # The organisation closes on Monday 9 and Tuesday 10 March.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture inventaire",
                "calendar_id": self.calendar.id,
                "date_from": "2026-03-08 23:00:00",
                "date_to": "2026-03-10 22:59:59",
            }
        )
        self.assertEqual(str(ticket.ack_deadline), "2026-03-12 16:00:00")

    @freeze_time("2026-03-09 09:00:00")
    def test_leave_without_calendar_moves_open_deadlines(self):
        """Odoo applies a leave without a calendar to every calendar of its
        company: it moves the deadlines too, and again when it is removed."""
        ticket = self._create_complaint(received_date="2026-03-06 14:00:00")
        closing = self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture de tous les sites",
                "calendar_id": False,
                "company_id": self.company.id,
                "date_from": "2026-03-08 23:00:00",
                "date_to": "2026-03-10 22:59:59",
            }
        )
        self.assertEqual(str(ticket.ack_deadline), "2026-03-12 16:00:00")
        closing.unlink()
        self.assertEqual(str(ticket.ack_deadline), "2026-03-10 16:00:00")

    @freeze_time("2026-03-09 09:00:00")
    def test_recomputed_on_change(self):
        ticket = self._create_complaint(received_date="2026-03-02 09:00:00")
        self.assertEqual(str(ticket.ack_deadline), "2026-03-04 16:00:00")
        ticket.received_date = "2026-03-03 09:00:00"
        self.assertEqual(str(ticket.ack_deadline), "2026-03-05 16:00:00")
        self.company.qualiopi_ack_days = 1
        self.assertEqual(str(ticket.ack_deadline), "2026-03-04 16:00:00")
        ticket.qualiopi_nature = "difficulty"
        self.assertFalse(ticket.ack_deadline)
        self.assertEqual(str(ticket.response_deadline), "2026-03-17 16:00:00")
        # A team with its own calendar (Monday to Wednesday only).
        short_week = self.calendar.copy({"name": "Lundi-mercredi"})
        short_week.attendance_ids.filtered(lambda a: a.dayofweek in ("3", "4")).unlink()
        self.team.resource_calendar_id = short_week
        # From Tuesday 3 March: 10 working days at 3 a week is Wednesday 25 March.
        self.assertEqual(str(ticket.response_deadline), "2026-03-25 16:00:00")

    @freeze_time("2026-03-09 09:00:00")
    def test_form_shows_deadlines_on_change(self):
        form = Form(self.env["helpdesk.ticket"].with_user(self.user_qualiopi))
        form.name = "Retard de convocation"
        form.description = "<p>Convocation reçue la veille.</p>"
        form.qualiopi_nature = "complaint"
        form.stakeholder_type = "client"
        form.received_date = "2026-03-02 09:00:00"
        self.assertEqual(str(form.ack_deadline), "2026-03-04 16:00:00")
        form.received_date = "2026-03-03 09:00:00"
        self.assertEqual(str(form.ack_deadline), "2026-03-05 16:00:00")
