import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    qualiopi_alert_threshold = fields.Integer(
        string="Low satisfaction alert (/100)",
        default=50,
        help="A completed survey whose satisfaction is below this score opens a "
        "difficulty in the register.",
    )
    qualiopi_complaint_survey_on_close = fields.Boolean(
        string="Survey complainants on closing",
        default=True,
        help="When a complaint is closed, invite its complainant to the complaint-handling survey.",
    )
    qualiopi_complaint_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Complaint-handling survey",
        domain=[("qualiopi_purpose", "=", "complaint_handling")],
    )
    qualiopi_funder_survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Funder survey",
        domain=[("qualiopi_purpose", "=", "funder")],
        help="Sent once a year to the funders of the previous year's sessions.",
    )
    qualiopi_publish_min_answers = fields.Integer(
        string="Minimum answers to publish a rate",
        default=5,
        help="On the published results page, a course's rate resting on fewer "
        "answers shows 'Not enough answers' instead.",
    )
    qualiopi_funder_survey_year = fields.Integer(
        string="Funder survey sent for year",
        help="The last year whose funders were surveyed.",
    )

    @api.constrains("qualiopi_alert_threshold")
    def _check_qualiopi_alert_threshold(self):
        for company in self:
            if not 0 <= company.qualiopi_alert_threshold <= 100:
                raise ValidationError(
                    self.env._("The satisfaction alert threshold is between 0 and 100.")
                )

    @api.constrains("qualiopi_publish_min_answers")
    def _check_qualiopi_publish_min_answers(self):
        if any(company.qualiopi_publish_min_answers < 1 for company in self):
            raise ValidationError(self.env._("A published rate rests on at least one answer."))

    def _qualiopi_funders(self, year):
        """Funders of the attendees of the company's sessions ended in ``year``."""
        self.ensure_one()
        registrations = (
            self.env["event.registration"]
            .sudo()
            .search(
                [
                    ("event_id.company_id", "=", self.id),
                    ("event_id.date_end", ">=", datetime.datetime(year, 1, 1)),
                    ("event_id.date_end", "<", datetime.datetime(year + 1, 1, 1)),
                    ("state", "in", ("open", "done")),
                    ("qualiopi_funder_partner_id", "!=", False),
                ]
            )
        )
        return registrations.qualiopi_funder_partner_id.filtered("email")

    def _qualiopi_send_funder_survey(self, year):
        """Invite the year's funders to the funder survey, once per funder."""
        Answer = self.env["survey.user_input"]
        answers = Answer
        for company in self:
            survey = company.qualiopi_funder_survey_id
            if not survey:
                continue
            survey._qualiopi_check_sendable()
            funders = company._qualiopi_funders(year)
            invited = (
                Answer.sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("survey_id", "=", survey.id),
                        ("qualiopi_year", "=", year),
                    ]
                )
                .partner_id
            )
            for funder in funders - invited:
                answers |= survey.sudo()._create_answer(
                    partner=funder,
                    check_attempts=False,
                    qualiopi_year=year,
                    company_id=company.id,
                )
            if company.qualiopi_funder_survey_year < year:
                company.qualiopi_funder_survey_year = year
        answers._qualiopi_send_invitations()
        return answers

    def _qualiopi_cron_funder_surveys(self):
        """Once a year, survey the funders of the previous year."""
        year = fields.Date.context_today(self).year - 1
        due = self.filtered(
            lambda c: c.qualiopi_funder_survey_id and c.qualiopi_funder_survey_year < year
        )
        answers = self.env["survey.user_input"]
        # Company by company: one that fails is rolled back whole and tried
        # again on the next run; the others are surveyed.
        for company in due:
            try:
                with self.env.cr.savepoint():
                    answers |= company._qualiopi_send_funder_survey(year)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception:  # noqa: BLE001 - any error stays on its company
                _logger.exception("Qualiopi funder survey of %s not sent", company.name)
        return answers

    def action_qualiopi_send_funder_survey(self):
        """Survey the funders of the previous year's sessions now."""
        self.ensure_one()
        year = fields.Date.context_today(self).year - 1
        answers = self._qualiopi_send_funder_survey(year)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if answers else "warning",
                "message": self.env._(
                    "%(count)s funder(s) of %(year)s invited to the funder survey.",
                    count=len(answers),
                    year=year,
                ),
            },
        }
