from odoo import fields, models
from odoo.exceptions import UserError


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"

    qualiopi_flagged = fields.Boolean(
        string="Flagged",
        readonly=True,
        copy=False,
        help="A Qualiopi user found this answer worrying: it opened a difficulty in the register.",
    )

    def action_qualiopi_flag(self):
        """Flag a worrying free-text answer: it opens one difficulty per answer."""
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise UserError(self.env._("Only a Qualiopi user can flag an answer."))
        tickets = self.env["helpdesk.ticket"]
        for line in self:
            if not line.user_input_id.qualiopi_purpose:
                raise UserError(
                    self.env._(
                        "This answer does not belong to a Qualiopi survey: it cannot "
                        "open a difficulty in the register."
                    )
                )
            # sudo: the flag is read-only for everyone, set here once the
            # Qualiopi user's right was checked (survey officers cannot write
            # answer lines).
            line.sudo().qualiopi_flagged = True
            text = line.value_text_box or line.value_char_box or line.display_name
            tickets |= line.user_input_id._qualiopi_open_difficulty(
                self.env._(
                    "Answer flagged by %(user)s on the question %(question)s: %(text)s",
                    user=self.env.user.name,
                    question=line.question_id.title,
                    text=text,
                )
            )
        if len(tickets) == 1:
            return self.user_input_id[:1]._qualiopi_action_ticket(tickets)
        return True
