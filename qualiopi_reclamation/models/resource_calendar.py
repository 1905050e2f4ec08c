import bisect
import datetime

import pytz

from odoo import fields, models
from odoo.exceptions import UserError

try:
    import holidays
except ImportError:  # pragma: no cover - declared in external_dependencies
    holidays = None

# The `holidays` library's subdivision for Alsace (Bas-Rhin, Haut-Rhin) and
# Moselle, where Good Friday and 26 December are also public holidays.
ALSACE_MOSELLE_SUBDIV = "57"


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _qualiopi_french_holidays(self, year, alsace_moselle=False):
        """Return {date: name} of the French public holidays of ``year``."""
        if holidays is None:
            raise UserError(
                self.env._(
                    "The Python library 'holidays' is missing: ask your "
                    "administrator to install it (pip install holidays)."
                )
            )
        lang = "fr" if (self.env.lang or "").startswith("fr") else "en_US"
        subdiv = ALSACE_MOSELLE_SUBDIV if alsace_moselle else None
        return dict(holidays.France(years=year, subdiv=subdiv, language=lang).items())

    def action_qualiopi_add_public_holidays(self, year, alsace_moselle=False):
        """Write the French public holidays of ``year`` as leaves of each calendar.

        Leaves that already cover a holiday are kept, so that running it twice
        adds nothing. Returns the created leaves.
        """
        if not 1900 < year < 3000:
            raise UserError(self.env._("Enter a valid year, for example 2026."))
        french_holidays = self._qualiopi_french_holidays(year, alsace_moselle)
        Leave = self.env["resource.calendar.leaves"]
        vals_list = []
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "Europe/Paris")
            existing = Leave.search(
                [
                    ("calendar_id", "=", calendar.id),
                    ("resource_id", "=", False),
                    ("date_from", "<", fields.Datetime.to_datetime(f"{year + 1}-01-02")),
                    ("date_to", ">", fields.Datetime.to_datetime(f"{year - 1}-12-31")),
                ]
            )
            for day, name in sorted(french_holidays.items()):
                start = tz.localize(datetime.datetime.combine(day, datetime.time.min))
                stop = tz.localize(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
                start_utc = start.astimezone(pytz.utc).replace(tzinfo=None)
                stop_utc = stop.astimezone(pytz.utc).replace(tzinfo=None)
                if existing.filtered(
                    lambda leave, a=start_utc, b=stop_utc: (
                        leave.date_from <= a and leave.date_to >= b
                    )
                ):
                    continue
                vals_list.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "company_id": calendar.company_id.id,
                        "date_from": start_utc,
                        "date_to": stop_utc,
                        "time_type": "leave",
                    }
                )
        # Creating the leaves moves the open records' deadlines.
        return Leave.create(vals_list)

    def _qualiopi_business_days(self, requests):
        """The working days that close business-day deadlines, on this
        calendar (or, with none, Monday to Friday, whole days).

        ``requests`` is a list of (moment, number of business days); returns,
        for each, the (start, stop) naive UTC datetimes of that working day.
        The first working day still open at the moment is day 0: a complaint
        received on Monday at 10:00 with 2 days to answer is due on Wednesday
        evening. The working days are read once for all the requests.
        """
        if not requests:
            return []
        moments = [moment for moment, _count in requests]
        longest = max(count for _moment, count in requests)
        days = self._qualiopi_working_days(min(moments), max(moments), longest)
        stops = [stop for _start, stop in days]
        result = []
        for moment, count in requests:
            first = bisect.bisect_right(stops, moment)
            result.append(days[min(first + count, len(days) - 1)])
        return result

    def _qualiopi_working_days(self, date_from, date_to, business_days):
        """Working days from ``date_from`` to ``business_days`` after ``date_to``.

        Returns a sorted list of (start, stop) naive UTC datetimes, one per
        working day: the start of its first attendance and the end of its last,
        leaves (public holidays, closures) excluded. Without a calendar (empty
        ``self``): Monday to Friday, whole days.
        """
        if self:
            self.ensure_one()
        # Two calendar weeks per five business days, plus margin for holidays.
        span = datetime.timedelta(days=business_days * 2 + 21)
        start = pytz.utc.localize(date_from - datetime.timedelta(days=1))
        stop = pytz.utc.localize(date_to) + span
        days = {}
        if self:
            intervals = self._work_intervals_batch(start, stop)[False]
            for begin, end, _meta in intervals:
                day = begin.date()
                first, last = days.get(day, (begin, end))
                days[day] = (min(first, begin), max(last, end))
        else:
            day = start.date()
            while day <= stop.date():
                if day.weekday() < 5:
                    begin = pytz.utc.localize(datetime.datetime.combine(day, datetime.time.min))
                    days[day] = (begin, begin + datetime.timedelta(days=1, seconds=-1))
                day += datetime.timedelta(days=1)
        result = [
            (
                begin.astimezone(pytz.utc).replace(tzinfo=None),
                end.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for _day, (begin, end) in sorted(days.items())
        ]
        if not result:
            raise UserError(
                self.env._(
                    "The working hours %(calendar)s have no working day: business-day "
                    "deadlines cannot be computed.",
                    calendar=self.display_name,
                )
            )
        return result

    def _qualiopi_recompute_open_deadlines(self):
        """New leaves move the deadlines of the records still waiting for them."""
        if not self:
            return
        # The companies counting on these calendars, whichever the user may read.
        company_ids = (
            self.env["res.company"].sudo().search([("resource_calendar_id", "in", self.ids)]).ids
        )
        # Open records still waiting for a milestone that has a deadline,
        # counted on these calendars (their team's, or else their company's);
        # all of them, whoever changed the calendar: the deadlines are the
        # company's promise, not the user's view.
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        tickets = Ticket.search(
            [
                *Ticket._qualiopi_pending_domain(),
                "|",
                ("team_id.resource_calendar_id", "in", self.ids),
                "&",
                ("company_id", "in", company_ids),
                "|",
                ("team_id", "=", False),
                ("team_id.resource_calendar_id", "=", False),
            ]
        )
        if tickets:
            for field_name in tickets._qualiopi_deadline_fields():
                self.env.add_to_compute(tickets._fields[field_name], tickets)
            tickets.flush_recordset()
