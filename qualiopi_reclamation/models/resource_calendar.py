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

    def _qualiopi_recompute_open_deadlines(self):
        """New leaves move the deadlines of the records still waiting for them."""
        if not self:
            return
        company_ids = (
            self.env["res.company"].sudo().search([("resource_calendar_id", "in", self.ids)]).ids
        )
        # Records still waiting for a milestone that has a deadline, counted
        # on these calendars (their team's, or else their company's).
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("qualiopi_nature", "!=", False),
                    "|",
                    "&",
                    ("ack_deadline", "!=", False),
                    ("ack_date", "=", False),
                    "&",
                    ("response_deadline", "!=", False),
                    ("response_date", "=", False),
                    "|",
                    ("team_id.resource_calendar_id", "in", self.ids),
                    "&",
                    ("company_id", "in", company_ids),
                    "|",
                    ("team_id", "=", False),
                    ("team_id.resource_calendar_id", "=", False),
                ]
            )
        )
        if tickets:
            for field_name in tickets._qualiopi_deadline_fields():
                self.env.add_to_compute(tickets._fields[field_name], tickets)
            tickets.flush_recordset()
