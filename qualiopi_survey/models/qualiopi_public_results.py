from babel.numbers import parse_pattern
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools.misc import babel_locale_parse, format_date, formatLang, get_lang

from .event_event import ATTENDEE_STATES

# The published results cover the sessions ended in the last twelve months.
PUBLISH_MONTHS = 12
# The figures summed over a course's sessions.
COUNTS = (
    "session_count",
    "attendee_count",
    "answer_count",
    "scored_count",
    "satisfied_count",
    "score_sum",
)


class QualiopiPublicResults(models.AbstractModel):
    """The satisfaction results an organisation publishes (indicator 2): per
    course, over its sessions ended in the last twelve months.

    Definitions (the public page states the same):

    - *attendees*: the registrations of these sessions that are confirmed or
      attended (cancelled and unconfirmed ones are not counted);
    - *answers*: the attendees who completed the end-of-session survey;
    - *response rate*: answers / attendees;
    - *scored answers*: the answers that rated at least one satisfaction
      question, each scored 0-100 (``survey.user_input.qualiopi_satisfaction``);
    - *satisfaction rate*: the share of the scored answers that reach the
      company's alert threshold (``qualiopi_alert_threshold``: an answer below
      it opens a difficulty in the register);
    - *average score*: the mean of the scored answers, out of 100.

    A rate resting on fewer answers than the company's minimum
    (``qualiopi_publish_min_answers``) is not published: the course shows
    "Not enough answers" instead. Only these aggregates leave this model,
    never a name nor a single answer.
    """

    _name = "qualiopi.public.results"
    _description = "Qualiopi published satisfaction results"

    def _qualiopi_course_results(self, company, date_to=None):
        """The published results of ``company``: the period, the rules and
        one dict of figures per course, in the course name's order.

        Set-based: one search for the sessions and three grouped queries,
        whatever the number of sessions and answers.
        """
        company.ensure_one()
        date_to = date_to or fields.Datetime.now()
        date_from = date_to - relativedelta(months=PUBLISH_MONTHS)
        min_answers = max(company.qualiopi_publish_min_answers, 1)
        # As superuser: the page is public, and visitors have no right on
        # sessions, registrations or answers. Only the sessions of the given
        # company are read, and only counts, sums and course names leave here.
        Event = self.env["event.event"].sudo()
        Registration = self.env["event.registration"].sudo()
        Answer = self.env["survey.user_input"].sudo()
        # Training sessions: those of a course whose attendees are asked the
        # end-of-session survey (Odoo's other events are not trainings).
        sessions = Event.search(
            [
                ("company_id", "=", company.id),
                ("event_type_id", "!=", False),
                ("qualiopi_hot_survey_id", "!=", False),
                ("date_end", ">", date_from),
                ("date_end", "<=", date_to),
            ]
        )
        attendees = dict(
            Registration._read_group(
                [("event_id", "in", sessions.ids), ("state", "in", ATTENDEE_STATES)],
                ["event_id"],
                ["__count"],
            )
        )
        answer_domain = [
            ("event_id", "in", sessions.ids),
            ("qualiopi_purpose", "=", "hot"),
            ("state", "=", "done"),
            ("event_registration_id.state", "in", ATTENDEE_STATES),
        ]
        # An attendee counts once, even if the session's survey was changed
        # and they answered both.
        answered = dict(
            Answer._read_group(
                answer_domain, ["event_id"], ["event_registration_id:count_distinct"]
            )
        )
        # Satisfied: scored and not low, ``qualiopi_is_low`` being recomputed
        # whenever the company's threshold changes.
        scored = {
            (event, is_low): (count, total)
            for event, is_low, count, total in Answer._read_group(
                [*answer_domain, ("qualiopi_is_scored", "=", True)],
                ["event_id", "qualiopi_is_low"],
                ["__count", "qualiopi_satisfaction:sum"],
            )
        }
        courses = {}
        for session in sessions:
            course = courses.setdefault(session.event_type_id, dict.fromkeys(COUNTS, 0))
            course["session_count"] += 1
            course["attendee_count"] += attendees.get(session, 0)
            course["answer_count"] += answered.get(session, 0)
            for is_low in (False, True):
                count, total = scored.get((session, is_low), (0, 0.0))
                course["scored_count"] += count
                course["score_sum"] += total or 0
                if not is_low:
                    course["satisfied_count"] += count
        results = []
        for course_type, figures in courses.items():
            answers, scored_count = figures["answer_count"], figures["scored_count"]
            enough_answers = answers >= min_answers and figures["attendee_count"] > 0
            enough_scores = scored_count >= min_answers
            results.append(
                {
                    "name": course_type.name,
                    **figures,
                    "response_rate": (
                        answers * 100.0 / figures["attendee_count"] if enough_answers else None
                    ),
                    "satisfaction_rate": (
                        figures["satisfied_count"] * 100.0 / scored_count if enough_scores else None
                    ),
                    "satisfaction_avg": (
                        figures["score_sum"] / scored_count if enough_scores else None
                    ),
                }
            )
        results.sort(key=lambda result: result["name"].casefold())
        return {
            "date_from": date_from,
            "date_to": date_to,
            "min_answers": min_answers,
            "threshold": company.qualiopi_alert_threshold,
            "courses": results,
        }

    # ------------------------------------------------------------------
    # Display, in the language of the environment
    # ------------------------------------------------------------------

    def _qualiopi_results_display(self, company):
        """The published results of ``company`` with their texts, ready for
        the public page: rates and counts written as the language does."""
        results = self._qualiopi_course_results(company)

        def rate_texts(rate, detail, answers):
            """The rate and the counts behind it, or only the answers when too few."""
            if rate is None:
                return False, self.env._("%(count)s answer(s)", count=answers)
            return self._qualiopi_format_percent(rate), detail

        courses = []
        for course in results["courses"]:
            satisfaction = rate_texts(
                course["satisfaction_rate"],
                self.env._(
                    "%(satisfied)s satisfied of %(answers)s answers",
                    satisfied=course["satisfied_count"],
                    answers=course["scored_count"],
                ),
                course["scored_count"],
            )
            response = rate_texts(
                course["response_rate"],
                self.env._(
                    "%(answers)s answers of %(attendees)s attendees",
                    answers=course["answer_count"],
                    attendees=course["attendee_count"],
                ),
                course["answer_count"],
            )
            average = course["satisfaction_avg"]
            courses.append(
                {
                    **course,
                    "sessions_text": self.env._(
                        "%(count)s session(s)", count=course["session_count"]
                    ),
                    "satisfaction_text": satisfaction[0],
                    "satisfaction_detail": satisfaction[1],
                    "average_text": average is not None and formatLang(self.env, average, digits=1),
                    "response_text": response[0],
                    "response_detail": response[1],
                }
            )
        return {
            **results,
            "courses": courses,
            "period_text": self.env._(
                "Results of the end-of-session survey, per course, for the "
                "sessions ended between %(date_from)s and %(date_to)s.",
                date_from=format_date(self.env, results["date_from"]),
                date_to=format_date(self.env, results["date_to"]),
            ),
            "satisfaction_method": self.env._(
                "Each answer to the satisfaction questions is scored from 0 to "
                "100 (the average of its ratings); the rate is the share of these "
                "answers scoring at least %(threshold)s/100.",
                threshold=results["threshold"],
            ),
            "minimum_method": self.env._(
                "A rate resting on fewer than %(count)s answers is not shown: the "
                'course reads "Not enough answers".',
                count=results["min_answers"],
            ),
        }

    def _qualiopi_format_percent(self, value):
        """``value`` (0-100) with one decimal, as the language writes a
        percentage (``75,0 %`` in French, ``75.0%`` in English)."""
        locale = babel_locale_parse(get_lang(self.env).code)
        pattern = parse_pattern(locale.percent_formats[None].pattern)
        pattern.frac_prec = (1, 1)
        return pattern.apply(value / 100.0, locale)
