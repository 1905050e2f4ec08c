from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestConfiguration(QualiopiSurveyCommon):
    def test_session_form_takes_the_course_surveys(self):
        form = Form(self.env["event.event"].with_user(self.user_qualiopi))
        form.name = "Management d'équipe - avril"
        form.date_begin = "2026-04-06 08:00:00"
        form.date_end = "2026-04-07 16:00:00"
        form.event_type_id = self.survey_event_type
        self.assertEqual(form.qualiopi_hot_survey_id, self.survey_hot)
        self.assertEqual(form.qualiopi_cold_survey_id, self.survey_cold)
        self.assertEqual(form.qualiopi_cold_delay, 60)
        form.qualiopi_cold_delay = 180
        session = form.save()
        self.assertEqual(session.qualiopi_cold_delay, 180)
        self.assertEqual(self.survey_event_type.qualiopi_cold_delay, 60)

    def test_settings(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.qualiopi_alert_threshold, 50)
        self.assertEqual(settings.qualiopi_complaint_survey_id, self.survey_complaint)
        settings.qualiopi_alert_threshold = 65
        settings.qualiopi_complaint_survey_on_close = False
        settings.save().execute()
        self.assertEqual(self.company.qualiopi_alert_threshold, 65)
        self.assertFalse(self.company.qualiopi_complaint_survey_on_close)

    def test_shipped_surveys(self):
        purposes = {
            "hot": self.survey_hot,
            "cold": self.survey_cold,
            "client": self.survey_client,
            "funder": self.survey_funder,
            "trainer": self.survey_trainer,
            "complaint_handling": self.survey_complaint,
        }
        for purpose, survey in purposes.items():
            self.assertEqual(survey.qualiopi_purpose, purpose)
            self.assertEqual(survey.access_mode, "token")
            self.assertTrue(survey._qualiopi_check_sendable())
            scales = survey.question_ids.filtered(lambda q: q.question_type == "scale")
            self.assertTrue(all(scales.mapped("is_qualiopi_satisfaction")))
            self.assertEqual(set(scales.mapped("scale_max")), {10})
            self.assertTrue(survey.question_ids.filtered(lambda q: q.question_type == "text_box"))


@tagged("post_install", "-at_install")
class TestSurveySettingsLevels(QualiopiSurveyCommon):
    """The survey settings, written once (qualiopi.survey.settings.mixin): a
    company starts from the defaults, a new course takes its company's, a
    session its course's (its company's without a course)."""

    def test_company_defaults(self):
        company = self.env["res.company"].create({"name": "Formations Dupont"})
        self.assertEqual(
            (
                company.qualiopi_cold_delay,
                company.qualiopi_reminder_count,
                company.qualiopi_reminder_1_days,
                company.qualiopi_reminder_2_days,
            ),
            (60, 2, 3, 7),
        )
        self.assertFalse(company._qualiopi_settings_surveys())
        self.assertEqual(company._qualiopi_reminder_days(), [3, 7])

    def test_course_takes_company_then_session_takes_course(self):
        self.company.write(
            {
                "qualiopi_hot_survey_id": self.survey_hot.id,
                "qualiopi_cold_delay": 90,
                "qualiopi_reminder_count": 1,
            }
        )
        course = self.env["event.type"].create({"name": "Gestion du temps"})
        self.assertEqual(course.qualiopi_hot_survey_id, self.survey_hot)
        self.assertFalse(course.qualiopi_cold_survey_id)
        self.assertEqual(course.qualiopi_cold_delay, 90)
        self.assertEqual(course.qualiopi_reminder_count, 1)
        course.write({"qualiopi_cold_survey_id": self.survey_cold.id, "qualiopi_cold_delay": 30})
        session = self.env["event.event"].create(
            {
                "name": "Gestion du temps - mai",
                "event_type_id": course.id,
                "date_begin": "2026-05-04 08:00:00",
                "date_end": "2026-05-04 16:00:00",
            }
        )
        self.assertEqual(session.qualiopi_cold_survey_id, self.survey_cold)
        self.assertEqual(session.qualiopi_cold_delay, 30)
        self.assertEqual(session._qualiopi_reminder_days(), [3])
        # A session changes its own settings, not its course's; a later course
        # change brings the new course's.
        session.qualiopi_cold_delay = 120
        self.assertEqual(course.qualiopi_cold_delay, 30)
        session.event_type_id = self.survey_event_type
        self.assertEqual(session.qualiopi_cold_delay, 60)
        self.assertEqual(session.qualiopi_trainer_survey_id, self.survey_trainer)
        # A session without a course takes its company's.
        alone = self.env["event.event"].create(
            {
                "name": "Atelier sans formation",
                "date_begin": "2026-05-05 08:00:00",
                "date_end": "2026-05-05 16:00:00",
            }
        )
        self.assertEqual(alone.qualiopi_hot_survey_id, self.survey_hot)
        self.assertEqual(alone.qualiopi_cold_delay, 90)
        # The company's reminders also pace the surveys of no session.
        self.assertEqual(
            self.env["survey.user_input"]
            .new({"company_id": self.company.id})
            ._qualiopi_reminder_days(),
            [3],
        )

    def test_checks_at_every_level_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["qualiopi_survey"], ["fr_FR"], overwrite=True
        )
        french = self.env(context=dict(self.env.context, lang="fr_FR"))
        checks = (
            ({"qualiopi_reminder_count": 3}, "au plus deux fois"),
            ({"qualiopi_cold_delay": 0}, "au moins un jour"),
            ({"qualiopi_reminder_1_days": 7, "qualiopi_reminder_2_days": 3}, "après la première"),
            (
                {
                    "qualiopi_hot_survey_id": self.survey_hot.id,
                    "qualiopi_cold_survey_id": self.survey_hot.id,
                },
                "enquêtes différentes",
            ),
        )
        for record in (self.company, self.survey_event_type, self.session):
            for values, french_text in checks:
                with self.subTest(model=record._name, values=values):
                    with self.assertRaises(ValidationError) as caught:
                        record.with_env(french).write(values)
                    self.assertIn(french_text, str(caught.exception))

    def test_follow_up_delay_by_course_kind(self):
        """A skills assessment is followed up six months after it ends, other
        kinds after the general delay, unless the company, the course or the
        session says otherwise."""
        self.assertEqual(self.company.qualiopi_cold_delay_skills_assessment, 180)
        self.company.qualiopi_cold_delay = 45
        Course = self.env["event.type"]
        bilan = Course.create(
            {"name": "Bilan de compétences", "qualiopi_course_kind": "skills_assessment"}
        )
        self.assertEqual(bilan.qualiopi_cold_delay, 180)
        for kind in ("training", "vae", "apprenticeship"):
            with self.subTest(kind=kind):
                course = Course.create({"name": f"Parcours {kind}", "qualiopi_course_kind": kind})
                self.assertEqual(course.qualiopi_cold_delay, 45, "the general delay")
        self.company.qualiopi_cold_delay_vae = 120
        vae = Course.create({"name": "Accompagnement VAE", "qualiopi_course_kind": "vae"})
        self.assertEqual(vae.qualiopi_cold_delay, 120)
        explicit = Course.create(
            {
                "name": "Bilan court",
                "qualiopi_course_kind": "skills_assessment",
                "qualiopi_cold_delay": 90,
            }
        )
        self.assertEqual(explicit.qualiopi_cold_delay, 90, "a delay given is kept")
        # In the form, choosing the kind brings its delay, which stays editable.
        form = Form(Course)
        form.name = "Bilan de compétences - cadres"
        self.assertEqual(form.qualiopi_cold_delay, 45)
        form.qualiopi_course_kind = "skills_assessment"
        self.assertEqual(form.qualiopi_cold_delay, 180)
        form.qualiopi_cold_delay = 150
        self.assertEqual(form.save().qualiopi_cold_delay, 150)
        # A session of the skills assessment is surveyed six months after it ends.
        session = self.env["event.event"].create(
            {
                "name": "Bilan de compétences - juin",
                "event_type_id": bilan.id,
                "date_begin": "2026-06-01 08:00:00",
                "date_end": "2026-06-30 16:00:00",
            }
        )
        self.assertEqual(session.qualiopi_cold_delay, 180)
        self.assertEqual(str(session.qualiopi_cold_due_date.date()), "2026-12-27")
        with self.assertRaises(ValidationError):
            self.company.qualiopi_cold_delay_apprenticeship = -1
