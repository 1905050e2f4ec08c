from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import QualiopiSurveyCommon


@tagged("post_install", "-at_install")
class TestFunder(QualiopiSurveyCommon):
    def _funder_answers(self, year):
        return self.env["survey.user_input"].search(
            [("survey_id", "=", self.survey_funder.id), ("qualiopi_year", "=", year)]
        )

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_yearly_funder_survey_once(self):
        only_cancelled = self.env["res.partner"].create(
            {"name": "Région (annulée)", "is_company": True, "email": "region@example.com"}
        )
        self.reg_cancel.qualiopi_funder_partner_id = only_cancelled
        with freeze_time("2027-01-10 09:00:00"), self.mock_mail_gateway():
            for _run in range(3):
                self.env["event.event"]._cron_qualiopi_surveys()
            answers = self._funder_answers(2026)
            mine = answers.filtered(lambda a: a.partner_id == self.funder)
            self.assertEqual(len(mine), 1, "one invitation per funder and year")
            self.assertNotIn(only_cancelled, answers.partner_id)
            self.assertEqual(mine.company_id, self.company)
            self.assertEqual(len(self._invitation_mails(mine)), 1)
            self.assertIn("2026", self._invitation_mails(mine).body_html)
        self.assertEqual(self.company.qualiopi_funder_survey_year, 2026)
        # The button sends nothing more for the same year.
        with freeze_time("2027-02-01 09:00:00"), self.mock_mail_gateway():
            self.company.with_user(self.user_manager).action_qualiopi_send_funder_survey()
            self.assertFalse(self._invitation_mails(self._funder_answers(2026)))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["survey.user_input"].create(
                {
                    "survey_id": self.survey_funder.id,
                    "partner_id": self.funder.id,
                    "company_id": self.company.id,
                    "qualiopi_year": 2026,
                }
            )

    def test_funder_contact_log(self):
        form = Form(self.env["qualiopi.funder.contact"].with_user(self.user_qualiopi))
        form.name = "Webinaire annuel OPCO"
        form.partner_id = self.funder
        form.contact_type = "webinar"
        form.appraisal = "<p>Satisfaits du suivi des présences.</p>"
        form.event_ids.add(self.session)
        contact = form.save()
        self.assertEqual(contact.company_id, self.company)
        self.assertEqual(contact.user_id, self.user_qualiopi)
        self.assertEqual(contact.date.year >= 2026, True)
