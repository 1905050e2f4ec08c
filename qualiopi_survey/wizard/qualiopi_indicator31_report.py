from odoo import models


class QualiopiIndicator31Report(models.TransientModel):
    """The survey sections of the indicator-31 audit report (indicators 30
    and 31: appraisals collected, with their response rates and the
    difficulties low answers opened)."""

    _inherit = "qualiopi.indicator31.report"

    def _qualiopi_survey_domain(self):
        """Qualiopi survey invitations of the report: company, period (invited
        within it), sample."""
        self.ensure_one()
        start, stop = self._qualiopi_bounds()
        domain = [
            ("qualiopi_purpose", "!=", False),
            ("company_id", "=", self.company_id.id),
            ("qualiopi_invitation_date", ">=", start),
            ("qualiopi_invitation_date", "<", stop),
        ]
        if self.event_ids:
            domain += [
                "|",
                ("event_id", "in", self.event_ids.ids),
                ("helpdesk_ticket_id.event_id", "in", self.event_ids.ids),
            ]
        return domain

    def _qualiopi_survey_rows(self, domain):
        """Per purpose: invited, answered, response rate, average satisfaction,
        low answers and the difficulties they opened."""
        Answer = self.env["survey.user_input"].sudo()
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

    def _qualiopi_figures(self):
        figures = super()._qualiopi_figures()
        domain = self._qualiopi_survey_domain()
        rows = self._qualiopi_survey_rows(domain)
        contacts = (
            self.env["qualiopi.funder.contact"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date", ">=", self.date_from),
                    ("date", "<=", self.date_to),
                ]
            )
        )
        figures["surveys"] = {
            "rows": rows,
            "invited": sum(row["invited"] for row in rows),
            "answered": sum(row["answered"] for row in rows),
            "difficulties": sum(row["difficulties"] for row in rows),
            "funder_contacts": contacts,
            "threshold": self.company_id.qualiopi_alert_threshold,
        }
        return figures

    def _qualiopi_procedure_data(self):
        data = super()._qualiopi_procedure_data()
        company = self.company_id
        data["surveys"] = {
            "threshold": company.qualiopi_alert_threshold,
            "complaint_survey": company.qualiopi_complaint_survey_on_close
            and company.qualiopi_complaint_survey_id.title,
            "funder_survey": company.qualiopi_funder_survey_id.title,
        }
        return data

    def _qualiopi_session_data(self, event):
        data = super()._qualiopi_session_data(event)
        Answer = self.env["survey.user_input"].sudo()
        domain = [("event_id", "=", event.id), ("qualiopi_invitation_date", "!=", False)]
        data["surveys"] = {
            "rows": self._qualiopi_survey_rows(domain),
            "response_rate": event.sudo().qualiopi_response_rate,
            "satisfaction": event.sudo().qualiopi_satisfaction_avg,
            "low_answers": Answer.search(
                [*domain, ("state", "=", "done"), ("qualiopi_is_low", "=", True)],
                order="end_datetime, id",
            ),
        }
        return data

    def _qualiopi_xlsx_sheets(self):
        """A sheet of the period's survey invitations, one row each."""
        sheets = super()._qualiopi_xlsx_sheets()
        Answer = self.env["survey.user_input"].sudo()
        purposes = dict(Answer._fields["qualiopi_purpose"]._description_selection(self.env))
        states = dict(Answer._fields["state"]._description_selection(self.env))
        fmt = self._qualiopi_dt_formatter()
        rows = [
            [
                fmt(answer.qualiopi_invitation_date),
                answer.survey_id.title,
                purposes.get(answer.qualiopi_purpose),
                answer.event_id.name or "",
                answer.event_type_id.name or "",
                answer.qualiopi_trainer_partner_id.name or "",
                answer.helpdesk_ticket_id.number or "",
                answer.partner_id.name or answer.email or "",
                states.get(answer.state),
                fmt(answer.end_datetime) if answer.end_datetime else "",
                answer.qualiopi_reminder_count,
                answer.qualiopi_satisfaction if answer.qualiopi_is_scored else "",
                ", ".join(answer.qualiopi_difficulty_ids.mapped("number")),
            ]
            for answer in Answer.search(
                self._qualiopi_survey_domain(), order="qualiopi_invitation_date, id"
            )
        ]
        sheets.append(
            (
                self.env._("Surveys"),
                [
                    self.env._("Invited on"),
                    self.env._("Survey"),
                    self.env._("Purpose"),
                    self.env._("Session"),
                    self.env._("Course"),
                    self.env._("Trainer"),
                    self.env._("Complaint"),
                    self.env._("Respondent"),
                    self.env._("Status"),
                    self.env._("Completed on"),
                    self.env._("Reminders sent"),
                    self.env._("Satisfaction (/100)"),
                    self.env._("Difficulty"),
                ],
                rows,
            )
        )
        return sheets
