from odoo import api, models

from ..models.event_event import ATTENDEE_STATES

# The attendees not invited named in the report; the others are counted by reason.
NOT_INVITED_LISTED = 20


class ReportIndicator31(models.AbstractModel):
    """The survey sections of the indicator-31 audit report (indicators 30
    and 31: appraisals collected, with their response rates and the
    difficulties low answers opened)."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_survey_answers_env(self):
        # Superuser: survey answers of the report's company, after
        # _qualiopi_check_access checked the user's access to it.
        return self.env["survey.user_input"].sudo()

    @api.model
    def _qualiopi_survey_domain(self, wizard):
        """Qualiopi survey invitations of the report: company, period (invited
        within it), sample."""
        start, stop = self._qualiopi_bounds(wizard)
        domain = [
            ("qualiopi_purpose", "!=", False),
            ("company_id", "=", wizard.company_id.id),
            ("qualiopi_invitation_date", ">=", start),
            ("qualiopi_invitation_date", "<", stop),
        ]
        if wizard.event_ids:
            domain += [
                "|",
                ("event_id", "in", wizard.event_ids.ids),
                ("helpdesk_ticket_id.event_id", "in", wizard.event_ids.ids),
            ]
        return domain

    @api.model
    def _qualiopi_sections(self, wizard):
        sections = super()._qualiopi_sections(wizard)
        for place in ("procedure", "figures", "session"):
            sections[place].append(
                {"name": "surveys", "template": f"qualiopi_survey.indicator31_section_{place}"}
            )
        return sections

    @api.model
    def _qualiopi_survey_rows(self, domain):
        """Per purpose: invited, answered, response rate, average satisfaction,
        low answers and the difficulties they opened."""
        Answer = self._qualiopi_survey_answers_env()
        labels = dict(Answer._fields["qualiopi_purpose"]._description_selection(self.env))
        invited = dict(Answer._read_group(domain, ["qualiopi_purpose"], ["__count"]))
        done_domain = [*domain, ("state", "=", "done")]
        answered = dict(Answer._read_group(done_domain, ["qualiopi_purpose"], ["__count"]))
        averages = dict(
            Answer._read_group(
                [*done_domain, ("qualiopi_is_scored", "=", True)],
                ["qualiopi_purpose"],
                ["qualiopi_satisfaction:avg"],
            )
        )
        low = dict(
            Answer._read_group(
                [*done_domain, ("qualiopi_is_low", "=", True)], ["qualiopi_purpose"], ["__count"]
            )
        )
        difficulties = dict(
            Answer._read_group(
                [*domain, ("qualiopi_difficulty_ids", "!=", False)],
                ["qualiopi_purpose"],
                ["__count"],
            )
        )
        rows = []
        for purpose, label in labels.items():
            count = invited.get(purpose, 0)
            if not count:
                continue
            done = answered.get(purpose, 0)
            average = averages.get(purpose)
            rows.append(
                {
                    "purpose": purpose,
                    "label": label,
                    "invited": count,
                    "answered": done,
                    "rate": round(100.0 * done / count, 1),
                    "satisfaction": round(average, 1) if average is not None else None,
                    "low": low.get(purpose, 0),
                    "difficulties": difficulties.get(purpose, 0),
                }
            )
        return rows

    @api.model
    def _qualiopi_attendance(self, events):
        """The end-of-session survey over the attendees of ``events``: how
        many attended, were invited and answered, the response rate over the
        attendees, how many were not invited for each reason, and the first
        of them (``NOT_INVITED_LISTED``) by name. Counted by PostgreSQL, not
        per attendee: a year of sessions has thousands."""
        # Superuser: the registrations of the report's sessions (company checked).
        Registration = self.env["event.registration"].sudo()
        attendee_domain = [("event_id", "in", events.ids), ("state", "in", ATTENDEE_STATES)]
        answer_domain = [
            ("event_id", "in", events.ids),
            ("event_registration_id", "!=", False),
            ("event_registration_id.state", "in", ATTENDEE_STATES),
            ("qualiopi_purpose", "=", "hot"),
            ("qualiopi_invitation_date", "!=", False),
        ]
        Answers = self._qualiopi_survey_answers_env()
        [(invited,)] = Answers._read_group(
            answer_domain, [], ["event_registration_id:count_distinct"]
        )
        [(answered,)] = Answers._read_group(
            answer_domain + [("state", "=", "done")], [], ["event_registration_id:count_distinct"]
        )
        invited_query = Answers._search(answer_domain)
        not_invited_domain = attendee_domain + [
            ("id", "not in", invited_query.subselect("event_registration_id"))
        ]
        # A path through an empty partner_id matches no row: said explicitly.
        no_email = [
            "&",
            ("email", "=", False),
            "|",
            ("partner_id", "=", False),
            ("partner_id.email", "=", False),
        ]
        by_reason = {}
        for key, domain in (("no_email", no_email), ("other", ["!", *no_email])):
            for event, count in Registration._read_group(
                not_invited_domain + domain, ["event_id"], ["__count"]
            ):
                reason = (
                    "no_email" if key == "no_email" else self._qualiopi_not_invited_reason(event)
                )
                by_reason[reason] = by_reason.get(reason, 0) + count
        labels = self._qualiopi_not_invited_labels()
        listed = [
            {
                "name": registration.name or registration.partner_id.name or "—",
                "session": registration.event_id.name,
                "reason": labels[
                    self._qualiopi_not_invited_reason(registration.event_id, registration)
                ],
            }
            for registration in Registration.search(
                not_invited_domain, order="event_id, id", limit=NOT_INVITED_LISTED
            )
        ]
        count = Registration.search_count(attendee_domain)
        return {
            "attendees": count,
            "invited": invited,
            "answered": answered,
            "rate": round(100.0 * answered / count, 1) if count else None,
            "not_invited": listed,
            "not_invited_count": sum(by_reason.values()),
            "not_invited_by_reason": [
                {"reason": labels[key], "count": by_reason[key]}
                for key in labels
                if key in by_reason
            ],
        }

    @api.model
    def _qualiopi_not_invited_labels(self):
        return {
            "no_email": self.env._("no email address"),
            "no_survey": self.env._("the session has no end-of-session survey"),
            "not_sent": self.env._("the survey is not sent yet"),
            "late": self.env._("registered after the survey was sent"),
        }

    @api.model
    def _qualiopi_not_invited_reason(self, event, registration=None):
        """Why an attendee of ``event`` was not invited (``registration``:
        that attendee, whose email decides first)."""
        if registration and not (registration.email or registration.partner_id.email):
            return "no_email"
        if not event.qualiopi_hot_survey_id:
            return "no_survey"
        if not event.qualiopi_hot_sent_date:
            return "not_sent"
        return "late"

    @api.model
    def _qualiopi_figures(self, wizard):
        figures = super()._qualiopi_figures(wizard)
        rows = self._qualiopi_survey_rows(self._qualiopi_survey_domain(wizard))
        # Superuser: a count of the company's funder contacts (access checked).
        contacts = (
            self.env["qualiopi.funder.contact"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", wizard.company_id.id),
                    ("date", ">=", wizard.date_from),
                    ("date", "<=", wizard.date_to),
                ]
            )
        )
        events = wizard.event_ids
        if not events:
            # The sessions whose end-of-session survey was sent in the period.
            events = self.env["event.event"].union(
                *(
                    event
                    for [event] in self._qualiopi_survey_answers_env()._read_group(
                        [*self._qualiopi_survey_domain(wizard), ("qualiopi_purpose", "=", "hot")],
                        ["event_id"],
                    )
                )
            )
        figures["surveys"] = {
            "rows": rows,
            "attendance": self._qualiopi_attendance(events),
            "complaint_handling": next(
                (row for row in rows if row["purpose"] == "complaint_handling"), None
            ),
            "invited": sum(row["invited"] for row in rows),
            "answered": sum(row["answered"] for row in rows),
            "difficulties": sum(row["difficulties"] for row in rows),
            "funder_contacts": contacts,
            "threshold": wizard.company_id.qualiopi_alert_threshold,
        }
        return figures

    @api.model
    def _qualiopi_process_live(self, wizard):
        """The satisfaction surveys sent in the period: a fact, dated, that the
        stakeholders were asked for their appraisal (even with no complaint)."""
        live = super()._qualiopi_process_live(wizard)
        Answer = self._qualiopi_survey_answers_env()
        domain = self._qualiopi_survey_domain(wizard)
        [(invited, last)] = Answer._read_group(
            domain, [], ["__count", "qualiopi_invitation_date:max"]
        )
        if invited:
            answered = Answer.search_count([*domain, ("state", "=", "done")])
            live["facts"].append(
                self.env._(
                    "%(invited)s satisfaction survey invitation(s) sent in the period, "
                    "the last on %(date)s; %(answered)s answered.",
                    invited=invited,
                    date=self._qualiopi_dt_formatter(wizard)(last),
                    answered=answered,
                )
            )
        else:
            live["facts"].append(
                self.env._("No satisfaction survey invitation was sent in the period.")
            )
        return live

    @api.model
    def _qualiopi_procedure_data(self, wizard):
        data = super()._qualiopi_procedure_data(wizard)
        company = wizard.company_id
        data["surveys"] = {
            "threshold": company.qualiopi_alert_threshold,
            "complaint_survey": company.qualiopi_complaint_survey_on_close
            and company.qualiopi_complaint_survey_id.title,
            "funder_survey": company.qualiopi_funder_survey_id.title,
        }
        return data

    @api.model
    def _qualiopi_session_data(self, wizard, event):
        data = super()._qualiopi_session_data(wizard, event)
        Answer = self._qualiopi_survey_answers_env()
        domain = [("event_id", "=", event.id), ("qualiopi_invitation_date", "!=", False)]
        data["surveys"] = {
            "rows": self._qualiopi_survey_rows(domain),
            "attendance": self._qualiopi_attendance(event),
            # A sampled session's rates (the report's company was checked).
            "response_rate": event.sudo().qualiopi_response_rate,
            "satisfaction": event.sudo().qualiopi_satisfaction_avg,
            "low_answers": Answer.search(
                [*domain, ("state", "=", "done"), ("qualiopi_is_low", "=", True)],
                order="end_datetime, id",
            ),
        }
        return data
