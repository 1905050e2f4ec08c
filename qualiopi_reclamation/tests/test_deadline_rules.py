import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestOverdueDefinedOnce(QualiopiCommon):
    """``_qualiopi_overdue_domain`` is the one definition of overdue: the
    stored flag, the cron, the dashboard and a search say the same."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_auto_ack = False

    def test_domain_compute_cron_and_dashboard_agree(self):
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time("2026-03-02 09:00:00"):
            ack_late = self._create_complaint(name="Accusé en retard")
            acknowledged = self._create_complaint(name="Accusée")
            acknowledged.sudo().write({"ack_date": "2026-03-02 09:00:00", "ack_method": "letter"})
            # Closed without an answer: a difficulty, once handled.
            closed = self._create_complaint(name="Close", qualiopi_nature="difficulty")
            closed.write(
                {"qualiopi_difficulty_handling": "Tutorat", "stage_id": self.stage_done.id}
            )
            difficulty = self._create_complaint(name="Difficulté", qualiopi_nature="difficulty")
            plain = Ticket.create({"name": "Imprimante", "description": "<p>x</p>"})
        tickets = ack_late | acknowledged | closed | difficulty | plain
        for moment, expected in (
            # Wednesday: everything still on time.
            ("2026-03-04 09:00:00", Ticket),
            # Thursday: the acknowledgement of the first is late.
            ("2026-03-05 09:00:00", ack_late),
            # Three weeks on: every open answer is late too.
            ("2026-03-23 09:00:00", ack_late | acknowledged | difficulty),
        ):
            with freeze_time(moment):
                now = datetime.datetime.fromisoformat(moment)
                Ticket._cron_qualiopi_deadlines()
                self.env.flush_all()
                searched = Ticket.search(
                    [("id", "in", tickets.ids), *Ticket._qualiopi_overdue_domain(now)]
                )
                self.assertEqual(searched, expected, moment)
                self.assertEqual(tickets.filtered("is_overdue"), expected, moment)
                # The compute, run afresh, gives the cron's answer.
                self.env.add_to_compute(Ticket._fields["is_overdue"], tickets)
                self.assertEqual(tickets.filtered("is_overdue"), expected, moment)
                stats = self.env["qualiopi.indicator31.stat"].search(
                    [("ticket_id", "in", tickets.ids), ("overdue_count", "=", 1)]
                )
                self.assertEqual(stats.ticket_id, expected, moment)

    def test_dashboard_reads_pending_writes(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_complaint()
        with freeze_time("2026-03-05 09:00:00"):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            Stat = self.env["qualiopi.indicator31.stat"]

            def overdue():
                [(count,)] = Stat._read_group(
                    [("ticket_id", "=", ticket.id)], [], ["overdue_count:sum"]
                )
                return count

            self.assertEqual(overdue(), 1)
            # Not flushed by hand: the view's _depends flushes it before reading.
            ticket.sudo().write({"ack_date": "2026-03-05 08:00:00", "ack_method": "letter"})
            self.assertEqual(overdue(), 0)


@tagged("post_install", "-at_install")
class TestCalendarBusinessDays(QualiopiCommon):
    """Business days are the calendar's arithmetic (Paris: UTC+1 in March)."""

    def test_nth_working_day_on_the_calendar(self):
        monday_10 = datetime.datetime(2026, 3, 2, 9, 0)
        friday_evening = datetime.datetime(2026, 3, 6, 17, 30)
        days = self.calendar._qualiopi_business_days(
            [(monday_10, 0), (monday_10, 2), (friday_evening, 1)]
        )
        self.assertEqual(
            [(str(start), str(stop)) for start, stop in days],
            [
                ("2026-03-02 07:00:00", "2026-03-02 16:00:00"),
                ("2026-03-04 07:00:00", "2026-03-04 16:00:00"),
                # After closing time on Friday, day 0 is Monday.
                ("2026-03-10 07:00:00", "2026-03-10 16:00:00"),
            ],
        )

    def test_leaves_are_skipped(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fermeture",
                "calendar_id": self.calendar.id,
                "date_from": "2026-03-02 23:00:00",
                "date_to": "2026-03-03 22:59:59",
            }
        )
        [(start, stop)] = self.calendar._qualiopi_business_days(
            [(datetime.datetime(2026, 3, 2, 9, 0), 2)]
        )
        self.assertEqual(str(stop), "2026-03-05 16:00:00", "Tuesday 3 March is closed")

    def test_without_calendar_monday_to_friday(self):
        [(start, stop)] = self.env["resource.calendar"]._qualiopi_business_days(
            [(datetime.datetime(2026, 3, 6, 9, 0), 1)]
        )
        self.assertEqual((str(start), str(stop)), ("2026-03-09 00:00:00", "2026-03-09 23:59:59"))


@tagged("post_install", "-at_install")
class TestAcknowledgementBatch(QualiopiCommon):
    def _create(self, count):
        partners = self.env["res.partner"].create(
            [{"name": f"Stagiaire {i}", "email": f"stagiaire{i}@example.com"} for i in range(count)]
        )
        self.env.flush_all()
        before = self.cr.sql_log_count
        with self.mock_mail_gateway():
            tickets = self.env["helpdesk.ticket"].create(
                [self._complaint_values(partner_id=partner.id) for partner in partners]
            )
            self.env.flush_all()
            # The job the creation triggered, which renders the batch.
            self._send_queued_acknowledgements()
            self.env.flush_all()
        return tickets, self.cr.sql_log_count - before

    @freeze_time("2026-03-02 09:00:00")
    def test_many_complaints_one_rendering_each_its_message(self):
        tickets, _queries = self._create(6)
        messages = tickets.ack_message_id
        self.assertEqual(len(messages), 6, "one acknowledgement each")
        for ticket in tickets:
            message = ticket.ack_message_id
            self.assertEqual((message.model, message.res_id), ("helpdesk.ticket", ticket.id))
            self.assertEqual(message.partner_ids, ticket.partner_id)
            self.assertEqual(message.message_type, "comment")
            self.assertEqual(ticket.ack_date, message.date)
            self.assertIn(ticket.number, message.body)
        mails = self._new_mails.filtered(lambda m: "Acknowledgement of receipt" in m.subject)
        self.assertEqual(len(mails), 6)
        self.assertEqual(mails.recipient_ids, tickets.partner_id)
        # Queued for the mail cron, not sent one by one during the creation.
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertFalse(self._mails, "nothing handed to the mail server by the job")

    @freeze_time("2026-03-02 09:00:00")
    def test_query_count_grows_slowly(self):
        _tickets, few = self._create(2)
        _tickets, many = self._create(12)
        # Ten more complaints cost their rows and messages, not a rendering each.
        self.assertLess((many - few) / 10, few / 2, (few, many))
