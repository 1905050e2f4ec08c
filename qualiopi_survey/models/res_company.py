import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

# The company's follow-up delay of each course kind that has its own.
COLD_DELAY_BY_KIND = {
    "skills_assessment": "qualiopi_cold_delay_skills_assessment",
    "vae": "qualiopi_cold_delay_vae",
    "apprenticeship": "qualiopi_cold_delay_apprenticeship",
}


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "qualiopi.survey.settings.mixin"]

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
    # The follow-up delay of a new course by kind (event.type), when it is not
    # the general one (qualiopi_cold_delay): 0 takes the general one.
    qualiopi_cold_delay_skills_assessment = fields.Integer(
        string="Follow-up delay of skills assessments (days)",
        default=180,
        help="Days after a skills assessment (bilan de compétences) before its "
        "follow-up survey, for new courses of that kind. 0: the general delay.",
    )
    qualiopi_cold_delay_vae = fields.Integer(
        string="Follow-up delay of VAE support (days)",
        help="For new courses of accreditation of prior learning. 0: the general delay.",
    )
    qualiopi_cold_delay_apprenticeship = fields.Integer(
        string="Follow-up delay of apprenticeships (days)",
        help="For new apprenticeship courses. 0: the general delay.",
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

    @api.constrains(
        "qualiopi_cold_delay_skills_assessment",
        "qualiopi_cold_delay_vae",
        "qualiopi_cold_delay_apprenticeship",
    )
    def _check_qualiopi_cold_delay_by_kind(self):
        for company in self:
            if min(company[name] for name in COLD_DELAY_BY_KIND.values()) < 0:
                raise ValidationError(
                    self.env._("A follow-up delay is a number of days (0: the general delay).")
                )

    def _qualiopi_cold_delay_of(self, course_kind):
        """The follow-up delay of a new course of ``course_kind``: the kind's
        own when the company sets one, else the general one."""
        self.ensure_one()
        name = COLD_DELAY_BY_KIND.get(course_kind)
        return (name and self[name]) or self.qualiopi_cold_delay

    def _qualiopi_funders(self, year):
        """Funders of the attendees of the company's sessions ended in ``year``."""
        self.ensure_one()
        # sudo: all the company's sessions count, whatever the sender's event
        # rights (checked by the caller: a Qualiopi user, or the cron); only
        # the funders are used.
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
        return registrations.qualiopi_funder_partner_id.filtered("email").with_env(self.env)

    def _qualiopi_send_funder_survey(self, year):
        """Invite the year's funders to the funder survey, once per funder."""
        surveys = self.filtered("qualiopi_funder_survey_id").qualiopi_funder_survey_id
        surveys._qualiopi_check_sendable()
        answers = self.env["survey.user_input"]._qualiopi_invite_once(
            [
                {
                    "survey": company.qualiopi_funder_survey_id,
                    "partner": funder,
                    "qualiopi_year": year,
                    "company_id": company.id,
                }
                for company in self.filtered("qualiopi_funder_survey_id")
                for funder in company._qualiopi_funders(year)
            ]
        )
        # sudo: the year surveyed is the sending's bookkeeping on the company,
        # which only administrators may write; the sender's right was checked
        # (a Qualiopi user's button, or the cron).
        self.filtered(
            lambda c: c.qualiopi_funder_survey_id and c.qualiopi_funder_survey_year < year
        ).sudo().write({"qualiopi_funder_survey_year": year})
        return answers

    def _qualiopi_cron_funder_surveys(self):
        """Once a year, survey the funders of the previous year."""
        year = fields.Date.context_today(self).year - 1
        due = self.filtered(
            lambda c: c.qualiopi_funder_survey_id and c.qualiopi_funder_survey_year < year
        )
        # Company by company: one that fails is rolled back whole and tried
        # again on the next run; the others are surveyed.
        return due._qualiopi_each_in_savepoint(
            lambda company: company._qualiopi_send_funder_survey(year),
            lambda company, _error: _logger.exception(
                "Qualiopi funder survey of %s not sent", company.name
            ),
        )

    def action_qualiopi_send_funder_survey(self):
        """Survey the funders of the previous year's sessions now."""
        self.ensure_one()
        self._qualiopi_check_sender()
        year = fields.Date.context_today(self).year - 1
        answers = self._qualiopi_send_funder_survey(year)
        return self._qualiopi_notification(
            answers,
            self.env._(
                "%(count)s funder(s) of %(year)s invited to the funder survey.",
                count=len(answers),
                year=year,
            ),
        )
