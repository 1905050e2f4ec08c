from odoo import Command, fields

from odoo.addons.qualiopi_reclamation.tests.common import QualiopiCommon

# The session of the fixtures: Monday 2 to Wednesday 4 March 2026.
SESSION_END = fields.Datetime.to_datetime("2026-03-04 16:00:00")


class QualiopiSurveyCommon(QualiopiCommon):
    """A course with the shipped Qualiopi surveys and a session that ended on
    4 March 2026 16:00 UTC: three attendees (confirmed or attended), one
    cancelled, one unconfirmed, one without email; a client company, a trainer
    and a funder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey_hot = cls.env.ref("qualiopi_survey.survey_qualiopi_hot")
        cls.survey_cold = cls.env.ref("qualiopi_survey.survey_qualiopi_cold")
        cls.survey_client = cls.env.ref("qualiopi_survey.survey_qualiopi_client")
        cls.survey_trainer = cls.env.ref("qualiopi_survey.survey_qualiopi_trainer")
        cls.survey_complaint = cls.env.ref("qualiopi_survey.survey_qualiopi_complaint_handling")
        cls.survey_funder = cls.env.ref("qualiopi_survey.survey_qualiopi_funder")
        cls.company.write(
            {
                "qualiopi_alert_threshold": 50,
                "qualiopi_complaint_survey_on_close": True,
                "qualiopi_complaint_survey_id": cls.survey_complaint.id,
                "qualiopi_funder_survey_id": cls.survey_funder.id,
            }
        )
        cls.client_company = cls.env["res.partner"].create(
            {
                "name": "Transports Martin",
                "is_company": True,
                "email": "rh@transports-martin.example.com",
            }
        )
        cls.funder = cls.env["res.partner"].create(
            {"name": "OPCO Mobilités", "is_company": True, "email": "opco@example.com"}
        )
        cls.trainer = cls.env["res.partner"].create(
            {"name": "Claire Fontaine", "email": "claire@example.com"}
        )
        cls.survey_event_type = cls.env["event.type"].create(
            {
                "name": "Management d'équipe",
                "qualiopi_hot_survey_id": cls.survey_hot.id,
                "qualiopi_cold_survey_id": cls.survey_cold.id,
                "qualiopi_client_survey_id": cls.survey_client.id,
                "qualiopi_trainer_survey_id": cls.survey_trainer.id,
            }
        )
        cls.session = cls.env["event.event"].create(
            {
                "name": "Management d'équipe - mars",
                "event_type_id": cls.survey_event_type.id,
                "date_begin": "2026-03-02 08:00:00",
                "date_end": fields.Datetime.to_string(SESSION_END),
                "company_id": cls.company.id,
                "user_id": cls.user_manager.id,
                "qualiopi_trainer_partner_id": cls.trainer.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.attendee_open = Partner.create(
            {
                "name": "Julien Moreau",
                "email": "julien.moreau@example.com",
                "parent_id": cls.client_company.id,
            }
        )
        cls.attendee_done = Partner.create(
            {"name": "Élodie Petit", "email": "elodie.petit@example.com"}
        )
        cls.attendee_open_2 = Partner.create(
            {"name": "Camille Fournier", "email": "camille.fournier@example.com"}
        )
        cls.attendee_cancel = Partner.create(
            {"name": "Nadia Haddad", "email": "nadia.haddad@example.com"}
        )
        cls.attendee_draft = Partner.create(
            {"name": "Chloé Mercier", "email": "chloe.mercier@example.com"}
        )
        cls.attendee_no_email = Partner.create(
            {"name": "Antoine Roux", "phone": "+33 6 12 34 56 78"}
        )
        Registration = cls.env["event.registration"]

        def register(partner, state):
            registration = Registration.create(
                {
                    "event_id": cls.session.id,
                    "partner_id": partner.id,
                    "qualiopi_funder_partner_id": cls.funder.id,
                    "qualiopi_funding_type": "opco",
                }
            )
            registration.state = state
            return registration

        cls.reg_open = register(cls.attendee_open, "open")
        cls.reg_done = register(cls.attendee_done, "done")
        cls.reg_open_2 = register(cls.attendee_open_2, "open")
        cls.reg_cancel = register(cls.attendee_cancel, "cancel")
        cls.reg_draft = register(cls.attendee_draft, "draft")
        cls.reg_no_email = register(cls.attendee_no_email, "open")
        cls.reg_no_email.email = False
        cls.attendees = cls.reg_open | cls.reg_done | cls.reg_open_2
        cls.user_plain = cls.env["res.users"].create(
            {
                "name": "Paul Employé",
                "login": "plain_employee",
                "email": "paul@example.com",
                "groups_id": [Command.set(cls.env.ref("base.group_user").ids)],
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _answers(self, survey, event=None):
        return self.env["survey.user_input"].search(
            [
                ("survey_id", "=", survey.id),
                ("event_id", "=", (event or self.session).id),
            ]
        )

    def _invitation_mails(self, answers):
        """Emails created for these answers since mock_mail_gateway started."""
        return self._new_mails.filtered(
            lambda m: m.model == "survey.user_input" and m.res_id in answers.ids
        )

    def _answer(self, user_input, values):
        """Answer like the survey controller does: one line per question, then
        the survey is completed (``_mark_done``)."""
        for question, value in values.items():
            user_input._save_lines(question, value)
        user_input._mark_done()
        return user_input

    def _answer_hot(self, user_input, score, comment=False, recommend="Yes"):
        questions = self.survey_hot.question_ids.sorted("sequence")
        recommend_question = questions.filtered(lambda q: q.question_type == "simple_choice")
        values = {q: str(score) for q in questions.filtered(lambda q: q.question_type == "scale")}
        values[recommend_question] = recommend_question.suggested_answer_ids.filtered(
            lambda a: a.value == recommend
        ).id
        text_questions = questions.filtered(lambda q: q.question_type == "text_box")
        if comment:
            values[text_questions[-1]] = comment
        return self._answer(user_input, values)
