"""Business days of the indicator-31 report: how late a milestone was and how
long a record took, counted on the working days of the calendar that set its
deadline (its team's, else its company's; Monday to Friday without one), read
once for the whole report. Python and PostgreSQL count them the same way: the
number of working days that start between two moments (``bisect_right`` in
Python, ``width_bucket`` in SQL), so that the register printed by either reads
the same."""

import bisect
import datetime
import json

from odoo.tools import SQL

# The working days read beyond the last moment the report compares.
MARGIN = datetime.timedelta(days=45)


def late_texts(env):
    """The printed forms of lateness, in ``env``'s language: the text for one
    business day, and the text for n business days split around n (the SQL
    rendering writes n between them)."""
    one = env._("late by 1 business day")
    several = env._("late by %(days)s business days")
    prefix, _sep, suffix = several.partition("%(days)s")
    return one, prefix, suffix


def late_text(texts, days):
    one, prefix, suffix = texts
    return one if days == 1 else f"{prefix}{days}{suffix}"


class BusinessDays:
    """The working days of the calendars a report's records count on.

    ``team_calendars``: {team id: calendar id} of the teams that have their own
    calendar; ``default``: the company's calendar id (0: none, Monday to
    Friday); ``starts``: {calendar id: sorted naive UTC starts of its working
    days}."""

    def __init__(self, team_calendars, default, starts, company_id=None, span=None):
        self.team_calendars = team_calendars
        self.default = default
        self.starts = starts
        self.company_id = company_id
        # The (start, stop) these working days were read for.
        self.span = span

    def covers(self, company_id, start, stop):
        """Whether these working days serve ``company_id`` from ``start`` to
        ``stop`` (a ``stop`` of now, read a moment later, still is)."""
        return (
            self.company_id == company_id
            and bool(self.span)
            and self.span[0] <= start
            and stop <= self.span[1] + datetime.timedelta(days=1)
        )

    @classmethod
    def from_company(cls, company, date_from, date_to):
        """The working days of ``company``'s calendars from ``date_from`` to
        ``date_to`` (naive UTC datetimes), and a margin after it. Superuser:
        calendars are configuration; the caller checked the company."""
        env = company.env
        teams = (
            env["helpdesk.ticket.team"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("resource_calendar_id", "!=", False)], ["resource_calendar_id"])
        )
        team_calendars = {team.id: team.resource_calendar_id.id for team in teams}
        default = company.sudo().resource_calendar_id
        calendars = default | teams.resource_calendar_id
        start, stop = date_from - MARGIN, date_to + MARGIN
        starts = {
            calendar.id: [day for day, _end in calendar._qualiopi_working_days(start, stop, 0)]
            for calendar in calendars
        }
        if not default:
            days = env["resource.calendar"]._qualiopi_working_days(start, stop, 0)
            starts[0] = [day for day, _end in days]
        return cls(
            team_calendars,
            default.id or 0,
            starts,
            company_id=company.id,
            span=(date_from, date_to),
        )

    def _starts(self, team_id):
        return self.starts[self.team_calendars.get(team_id, self.default)]

    def count(self, team_id, start, stop):
        """The working days that start after ``start`` and by ``stop``: 0 for
        a record handled the day it arrived, 1 the next working day."""
        starts = self._starts(team_id)
        return bisect.bisect_right(starts, stop) - bisect.bisect_right(starts, start)

    def late(self, team_id, deadline, done):
        """Business days by which ``done`` (or, not done, now) passed
        ``deadline``: 0 on time; at least 1 once past it."""
        if not deadline or done <= deadline:
            return 0
        return max(1, self.count(team_id, deadline, done))

    # ------------------------------------------------------------------
    # The same counts, as SQL expressions
    # ------------------------------------------------------------------

    def sql_calendar(self, team_sql):
        """The calendar id of a record whose team is ``team_sql``."""
        return SQL(
            "COALESCE((%s::jsonb ->> (%s)::text)::int, %s)",
            json.dumps({str(team): calendar for team, calendar in self.team_calendars.items()}),
            team_sql,
            self.default,
        )

    def sql_bucket(self, team_sql, moment_sql):
        """The number of working days started by ``moment_sql``."""
        buckets = {
            calendar: SQL("width_bucket(%s, %s::timestamp[])", moment_sql, starts)
            for calendar, starts in self.starts.items()
        }
        if len(buckets) == 1:
            return next(iter(buckets.values()))
        return SQL(
            "(CASE %s %s END)",
            self.sql_calendar(team_sql),
            SQL(" ").join(
                SQL("WHEN %s THEN %s", calendar, bucket) for calendar, bucket in buckets.items()
            ),
        )

    def sql_count(self, team_sql, start_sql, stop_sql):
        return SQL(
            "(%s - %s)",
            self.sql_bucket(team_sql, stop_sql),
            self.sql_bucket(team_sql, start_sql),
        )

    def sql_late(self, team_sql, deadline_sql, done_sql):
        """``late()`` in SQL; ``done_sql`` already holds now for a pending milestone."""
        return SQL(
            "(CASE WHEN %s IS NULL OR %s <= %s THEN 0 ELSE GREATEST(1, %s) END)",
            deadline_sql,
            done_sql,
            deadline_sql,
            self.sql_count(team_sql, deadline_sql, done_sql),
        )
