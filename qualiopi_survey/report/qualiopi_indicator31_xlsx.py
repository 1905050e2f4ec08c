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
        columns = [
            (self.env._("Invited on"), lambda answer: answer.qualiopi_invitation_date),
            (self.env._("Survey"), lambda answer: answer.survey_id.title),
            (self.env._("Purpose"), lambda answer: purposes.get(answer.qualiopi_purpose)),
            (self.env._("Session"), lambda answer: answer.event_id.name or ""),
            (self.env._("Course"), lambda answer: answer.event_type_id.name or ""),
            (self.env._("Trainer"), lambda answer: answer.qualiopi_trainer_partner_id.name or ""),
            (self.env._("Complaint"), lambda answer: answer.helpdesk_ticket_id.number or ""),
            (self.env._("Respondent"), lambda answer: answer.partner_id.name or answer.email or ""),
            (self.env._("Status"), lambda answer: states.get(answer.state)),
            (self.env._("Completed on"), lambda answer: answer.end_datetime),
            (self.env._("Reminders sent"), lambda answer: answer.qualiopi_reminder_count),
            (
                self.env._("Satisfaction (/100)"),
                lambda answer: answer.qualiopi_satisfaction if answer.qualiopi_is_scored else "",
            ),
            (
                self.env._("Difficulty"),
                lambda answer: ", ".join(answer.qualiopi_difficulty_ids.mapped("number")),
            ),
        ]
        sheets.append(
            self._qualiopi_records_sheet(
                self.env._("Surveys"),
                columns,
                Answer.search(
                    Report._qualiopi_survey_domain(wizard), order="qualiopi_invitation_date, id"
                ),
            )
        )
        return sheets
