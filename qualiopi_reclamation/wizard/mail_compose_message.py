from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _qualiopi_is_response(self):
        self.ensure_one()
        template = self.env.ref(
            "qualiopi_reclamation.mail_template_response", raise_if_not_found=False
        )
        return self.model == "helpdesk.ticket" and (
            self.env.context.get("qualiopi_response") or (template and self.template_id == template)
        )

    def _action_send_mail(self, auto_commit=False):
        responses = self.filtered(lambda c: c._qualiopi_is_response())
        for composer in responses:
            if not html2plaintext(composer.body or "").strip():
                raise UserError(
                    self.env._(
                        "The answer is empty: write it before sending it to the complainant."
                    )
                )
            if composer.subtype_is_log:
                raise UserError(
                    self.env._(
                        "An answer must be sent to the complainant, not logged as an internal note."
                    )
                )
        result_mails, result_messages = super()._action_send_mail(auto_commit=auto_commit)
        for composer in responses:
            tickets = self.env["helpdesk.ticket"].browse(composer._evaluate_res_ids())
            tickets._qualiopi_record_response(
                result_messages.filtered(lambda m: m.model == "helpdesk.ticket")
            )
        return result_mails, result_messages
