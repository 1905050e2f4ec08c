from odoo import fields, models

# Free-text answers may name people: replaced, the scores kept.
TEXT_ANSWER_TYPES = ("char_box", "text_box")


class HelpdeskTicket(models.Model):
    """Retention: the survey answers tied to an anonymised record (the answer
    that opened a difficulty, the complaint-handling surveys) lose who gave
    them and what they typed; their scores stay in the statistics."""

    _inherit = "helpdesk.ticket"

    def _qualiopi_personal_data_extra(self):
        """The person's survey answers tied to the record (right of access)."""
        result = super()._qualiopi_personal_data_extra()
        # The export is a manager's (checked by the wizard); survey answers are
        # read whatever the manager's survey rights.
        inputs = (self.qualiopi_user_input_id | self.qualiopi_survey_input_ids).sudo()
        result["survey_answers"] = [
            {
                "survey": answer.survey_id.title,
                "date": fields.Datetime.to_string(answer.create_date),
                "answers": [
                    {
                        "question": line.question_id.title,
                        # The display name shortens long texts.
                        "answer": line.value_text_box
                        if line.answer_type == "text_box"
                        else line.display_name,
                    }
                    for line in answer.user_input_line_ids
                    if line.answer_type
                ],
            }
            for answer in inputs
        ]
        return result

    def _qualiopi_anonymise_related(self):
        # Called as superuser by the anonymiser, once the caller was checked.
        inputs = (self.qualiopi_user_input_id | self.qualiopi_survey_input_ids).sudo()
        if inputs:
            self._qualiopi_erase_messages(inputs)
            inputs.message_follower_ids.unlink()
            inputs.write({"partner_id": False, "email": False, "nickname": False})
            anonymised = self.env._("Anonymised")
            for answer_type in TEXT_ANSWER_TYPES:
                inputs.user_input_line_ids.filtered(
                    lambda line, t=answer_type: line.answer_type == t
                ).write({f"value_{answer_type}": anonymised})
        return super()._qualiopi_anonymise_related()
