import datetime

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import QualiopiSurveyCommon


class PublicResultsCommon(QualiopiSurveyCommon):
    """Two courses of the company and one of another company, each session
    with its attendees and end-of-session answers scored 10 × the rating:

    - *Prise de parole en public*: the fixture session (ended 60 days ago:
      four attendees, one cancelled and one unconfirmed registration), a
      second session ended 10 days ago (two attendees), one ended 13 months
      ago and one not ended yet (both outside the period);
    - *Comptabilité fondamentale*: one session, three attendees, two answers
      (below the minimum of three);
    - *Paie avancée*, another company's: one session, three answers.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_publish_min_answers = 3
        now = fields.Datetime.now()
        cls.survey = cls.env["survey.survey"].create(
            {"title": "Fin de session", "qualiopi_purpose": "hot", "access_mode": "token"}
        )
        cls.question = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Votre satisfaction globale",
                "question_type": "scale",
                "scale_min": 0,
                "scale_max": 10,
                "is_qualiopi_satisfaction": True,
            }
        )
        EventType = cls.env["event.type"]
        cls.course_speech = EventType.create(
            {"name": "Prise de parole en public", "qualiopi_hot_survey_id": cls.survey.id}
        )
        cls.course_accounting = EventType.create(
            {"name": "Comptabilité fondamentale", "qualiopi_hot_survey_id": cls.survey.id}
        )
        cls.course_payroll = EventType.create(
            {"name": "Paie avancée", "qualiopi_hot_survey_id": cls.survey.id}
        )
        cls.other_company = cls.env["res.company"].create(
            {"name": "Autre Organisme", "qualiopi_publish_min_answers": 3}
        )
        cls.session.write(
            {
                "event_type_id": cls.course_speech.id,
                "date_begin": now - datetime.timedelta(days=62),
                "date_end": now - datetime.timedelta(days=60),
            }
        )
        cls.session.qualiopi_hot_survey_id = cls.survey
        # Fixture session: 4 attendees (open, done, open, open without email),
        # 3 answers (80, 40, 100); the cancelled one's answer is not counted.
        cls._hot_answer(cls.reg_open, 8)
        cls._hot_answer(cls.reg_done, 4)
        cls._hot_answer(cls.reg_open_2, 10)
        cls._hot_answer(cls.reg_cancel, 0)
        second = cls._session(cls.course_speech, now - datetime.timedelta(days=10))
        regs = cls._register(second, "Sophie Lambert", "Hugo Garnier")
        cls._hot_answer(regs[0], 6)
        old = cls._session(cls.course_speech, now - relativedelta(months=13))
        cls._hot_answer(cls._register(old, "Marc Vidal")[0], 0)
        future = cls._session(cls.course_speech, now + datetime.timedelta(days=3))
        cls._hot_answer(cls._register(future, "Lucie Blanc")[0], 0)
        accounting = cls._session(cls.course_accounting, now - datetime.timedelta(days=30))
        regs = cls._register(accounting, "Inès Morel", "Yanis Colin", "Léa Perrin")
        cls._hot_answer(regs[0], 9)
        cls._hot_answer(regs[1], 7)
        payroll = cls._session(
            cls.course_payroll, now - datetime.timedelta(days=20), cls.other_company
        )
        for registration in cls._register(payroll, "Rémi Faure", "Zoé Roche", "Noé Marchand"):
            cls._hot_answer(registration, 2)
        cls.names = [
            "Julien Moreau",
            "Élodie Petit",
            "Camille Fournier",
            "Nadia Haddad",
            "Sophie Lambert",
            "Inès Morel",
        ]

    @classmethod
    def _session(cls, course, date_end, company=None):
        session = cls.env["event.event"].create(
            {
                "name": f"{course.name} {date_end:%Y-%m-%d}",
                "event_type_id": course.id,
                "date_begin": date_end - datetime.timedelta(days=1),
                "date_end": date_end,
                "company_id": (company or cls.company).id,
            }
        )
        session.qualiopi_hot_survey_id = cls.survey
        return session

    @classmethod
    def _register(cls, session, *names):
        registrations = cls.env["event.registration"]
        for name in names:
            partner = cls.env["res.partner"].create(
                {"name": name, "email": f"{name.split()[0].lower()}@example.com"}
            )
            registrations |= registrations.create(
                {"event_id": session.id, "partner_id": partner.id, "state": "open"}
            )
        return registrations

    @classmethod
    def _hot_answer(cls, registration, rating):
        answer = cls.survey._create_answer(
            partner=registration.partner_id,
            check_attempts=False,
            event_id=registration.event_id.id,
            event_registration_id=registration.id,
            company_id=registration.event_id.company_id.id,
        )
        answer._save_lines(cls.question, str(rating))
        answer._mark_done()
        return answer

    def _results(self, company=None):
        results = self.env["qualiopi.public.results"]._qualiopi_course_results(
            company or self.company
        )
        return results, {course["name"]: course for course in results["courses"]}


@tagged("post_install", "-at_install")
class TestPublicResults(PublicResultsCommon):
    def test_rates_per_course_over_twelve_months(self):
        results, courses = self._results()
        self.assertEqual(results["min_answers"], 3)
        self.assertEqual(results["threshold"], 50)
        speech = courses["Prise de parole en public"]
        # Ended in the last 12 months: the fixture session and the second one.
        self.assertEqual(speech["session_count"], 2)
        self.assertEqual(speech["attendee_count"], 6, "cancelled and unconfirmed not counted")
        self.assertEqual(speech["answer_count"], 4, "the cancelled one's answer not counted")
        self.assertAlmostEqual(speech["response_rate"], 4 * 100 / 6)
        self.assertEqual(speech["scored_count"], 4)
        self.assertEqual(speech["satisfied_count"], 3, "80, 100 and 60 reach 50; 40 does not")
        self.assertAlmostEqual(speech["satisfaction_rate"], 75.0)
        self.assertAlmostEqual(speech["satisfaction_avg"], (80 + 40 + 100 + 60) / 4)

    def test_course_below_the_minimum_has_no_rate(self):
        _results, courses = self._results()
        accounting = courses["Comptabilité fondamentale"]
        self.assertEqual(accounting["attendee_count"], 3)
        self.assertEqual(accounting["answer_count"], 2)
        self.assertIsNone(accounting["response_rate"])
        self.assertIsNone(accounting["satisfaction_rate"])
        self.assertIsNone(accounting["satisfaction_avg"])
        self.company.qualiopi_publish_min_answers = 2
        _results, courses = self._results()
        self.assertAlmostEqual(courses["Comptabilité fondamentale"]["satisfaction_rate"], 100.0)
        self.assertAlmostEqual(courses["Comptabilité fondamentale"]["satisfaction_avg"], 80.0)
        with self.assertRaises(ValidationError):
            self.company.qualiopi_publish_min_answers = 0

    def test_other_company_course_apart(self):
        _results, courses = self._results()
        self.assertNotIn("Paie avancée", courses)
        _results, courses = self._results(self.other_company)
        self.assertEqual(list(courses), ["Paie avancée"])
        self.assertEqual(courses["Paie avancée"]["answer_count"], 3)
        self.assertAlmostEqual(courses["Paie avancée"]["satisfaction_rate"], 0.0)
        self.assertEqual(
            self.env["res.company"].create({"name": "Neuf"}).qualiopi_publish_min_answers, 5
        )

    def test_threshold_change_moves_the_satisfaction_rate(self):
        self.company.qualiopi_alert_threshold = 70
        _results, courses = self._results()
        self.assertAlmostEqual(courses["Prise de parole en public"]["satisfaction_rate"], 50.0)

    def test_cost_does_not_follow_the_sessions(self):
        """Set-based: more sessions, answers and courses, the same queries."""

        def count_queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._results()
            return self.cr.sql_log_count - before

        queries = count_queries()
        now = fields.Datetime.now()
        for course in (self.course_speech, self.course_accounting):
            for days in (5, 15, 25):
                session = self._session(course, now - datetime.timedelta(days=days))
                for registration in self._register(session, f"Stagiaire {days}"):
                    self._hot_answer(registration, 5)
        self.assertEqual(count_queries(), queries)

    def test_figures_in_the_language(self):
        Results = self.env["qualiopi.public.results"]
        self.env["res.lang"]._activate_lang("fr_FR")
        french = Results.with_context(lang="fr_FR")
        self.assertRegex(french._qualiopi_format_percent(75), r"^75,0\s%$")
        display = french._qualiopi_results_display(self.company)
        speech = next(c for c in display["courses"] if c["name"] == "Prise de parole en public")
        self.assertRegex(speech["satisfaction_text"], r"^75,0\s%$")
        self.assertEqual(speech["average_text"], "70,0")
        self.assertRegex(speech["response_text"], r"^66,7\s%$")
        english = Results.with_context(lang="en_US")
        self.assertEqual(english._qualiopi_format_percent(200 / 3), "66.7%")


@tagged("post_install", "-at_install")
class TestPublicResultsHttp(HttpCase, PublicResultsCommon):
    def _assertNoTrainee(self, page):
        for name in self.names:
            self.assertNotIn(name, page)
            self.assertNotIn(name.split()[0].lower() + "@", page)

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_page_in_english_and_french(self):
        url = f"/qualiopi/results?company_id={self.company.id}"
        page = self._page(url).text
        self.assertIn("Prise de parole en public", page)
        self.assertIn("75.0%", page)
        self.assertIn("66.7%", page)
        self.assertIn("4 answers of 6 attendees", page)
        self.assertIn("Not enough answers", page)
        self.assertIn("How these figures are computed", page)
        self.assertNotIn("Paie avancée", page, "another company's course")
        self._assertNoTrainee(page)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_reclamation", "qualiopi_survey"], ["fr_FR"], overwrite=True
        )
        page = self._page(f"/fr{url}").text
        self.assertIn('<html lang="fr-FR"', page)
        self.assertIn("Satisfaction de nos stagiaires", page)
        self.assertRegex(page, r">75,0\s%<")
        self.assertRegex(page, r">66,7\s%<")
        self.assertIn("Pas assez de réponses", page)
        self.assertIn("Comment ces chiffres sont calculés", page)
        self._assertNoTrainee(page)

    def test_embedded_block_may_be_framed(self):
        response = self._page(f"/qualiopi/results/embed?company_id={self.company.id}")
        self.assertEqual(response.headers.get("Content-Security-Policy"), "frame-ancestors *")
        self.assertNotIn("X-Frame-Options", response.headers)
        self.assertNotIn('id="top"', response.text, "no navigation bar in the block")
        self.assertIn("Prise de parole en public", response.text)
        self.assertIn(f"/qualiopi/results?company_id={self.company.id}", response.text)
        page = self._page("/qualiopi/results")
        self.assertNotIn("frame-ancestors", page.headers.get("Content-Security-Policy", ""))
        self.env["ir.config_parameter"].sudo().set_param(
            "qualiopi_reclamation.embed_allowed_origins", "https://www.example.org"
        )
        response = self._page("/qualiopi/results/embed")
        self.assertEqual(
            response.headers.get("Content-Security-Policy"),
            "frame-ancestors https://www.example.org",
        )

    def test_unknown_company_not_found(self):
        missing = self.env["res.company"].search([], order="id desc", limit=1).id + 1
        for query in (f"company_id={missing}", "company_id=abc"):
            for path in ("/qualiopi/results", "/qualiopi/results/embed"):
                self.assertEqual(self.url_open(f"{path}?{query}").status_code, 404, query)
        other = self._page(f"/qualiopi/results?company_id={self.other_company.id}").text
        self.assertIn("Paie avancée", other)
        self.assertNotIn("Prise de parole en public", other)
        self.assertIn(">0.0%<", other, "every answer below the threshold")
