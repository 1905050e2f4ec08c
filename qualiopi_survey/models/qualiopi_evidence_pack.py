from odoo import models

from odoo.addons.qualiopi_reclamation.tools.evidence_pack_files import csv_bytes


class QualiopiEvidencePack(models.Model):
    _inherit = "qualiopi.evidence.pack"

    def _qualiopi_pack_session_files(self, event, tickets):
        """Adds the session's survey results: one row per invitation, with
        its state, dates and satisfaction score."""
        files = super()._qualiopi_pack_session_files(event, tickets)
        if not event:
            return files
        # sudo: the pack's requester was checked (a Qualiopi user of the
        # pack's company, _qualiopi_check_requester); the pack shows every
        # answer of the session, as the audit report does.
        UserInput = self.env["survey.user_input"].sudo()
        answers = UserInput.search(
            [("event_id", "=", event.id), ("test_entry", "=", False)], order="survey_id, id"
        )
        purposes = dict(UserInput._fields["qualiopi_purpose"]._description_selection(self.env))
        states = dict(UserInput._fields["state"]._description_selection(self.env))
        rows = [
            [
                self.env._("Survey"),
                self.env._("Purpose"),
                self.env._("Participant"),
                self.env._("Invited on"),
                self.env._("Reminders sent"),
                self.env._("State"),
                self.env._("Answered on"),
                self.env._("Satisfaction (0-100)"),
            ]
        ]
        for answer in answers:
            rows.append(
                [
                    answer.survey_id.title,
                    purposes.get(answer.qualiopi_purpose),
                    answer.partner_id.name or answer.email,
                    answer.qualiopi_invitation_date,
                    answer.qualiopi_reminder_count,
                    states.get(answer.state),
                    answer.end_datetime,
                    answer.qualiopi_satisfaction if answer.qualiopi_is_scored else None,
                ]
            )
        files.append(
            (
                "survey-results.csv",
                csv_bytes(rows),
                self.env._("Survey results (%(count)s invitations)", count=len(answers)),
            )
        )
        return files
