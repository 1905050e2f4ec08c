from odoo import api, models


class ReportIndicator31Xlsx(models.AbstractModel):
    """The survey sheet of the indicator-31 audit report's workbook."""

    _inherit = "report.qualiopi_reclamation.report_indicator31_xlsx"

    @api.model
    def _qualiopi_xlsx_sheets(self, wizard):
        """A sheet of the period's survey invitations, one row each."""
        sheets = super()._qualiopi_xlsx_sheets(wizard)
        Report = self._qualiopi_report()
        Answer = Report._qualiopi_survey_answers_env()
        purposes = dict(Answer._fields["qualiopi_purpose"]._description_selection(self.env))
        states = dict(Answer._fields["state"]._description_selection(self.env))
        rows = [
            [
                answer.qualiopi_invitation_date,
                answer.survey_id.title,
                purposes.get(answer.qualiopi_purpose),
                answer.event_id.name or "",
                answer.event_type_id.name or "",
                answer.qualiopi_trainer_partner_id.name or "",
                answer.helpdesk_ticket_id.number or "",
                answer.partner_id.name or answer.email or "",
                states.get(answer.state),
                answer.end_datetime,
                answer.qualiopi_reminder_count,
                answer.qualiopi_satisfaction if answer.qualiopi_is_scored else "",
                ", ".join(answer.qualiopi_difficulty_ids.mapped("number")),
            ]
            for answer in Answer.search(
                Report._qualiopi_survey_domain(wizard), order="qualiopi_invitation_date, id"
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
