from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

# Emails of training sessions that may carry the link to the complaint procedure.
EVENT_TEMPLATES = ("event.event_subscription", "event.event_reminder")


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
        # Whatever the mode (comment, mass mail, log), a composer on evidence is
        # used only by someone who may write it: never by the auditor.
        for composer in self:
            if composer.model and composer.model in self.env:
                records = self.env[composer.model].browse(composer._evaluate_res_ids())
                if getattr(records, "_qualiopi_check_evidence_write", None):
                    records._qualiopi_check_evidence_write()
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

    def _prepare_mail_values(self, res_ids):
        results = super()._prepare_mail_values(res_ids)
        if self.model != "event.registration" or not self.template_id:
            return results
        templates = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in EVENT_TEMPLATES]
        if self.template_id not in templates:
            return results
        # The composer already checked the sender's rights on these records.
        registrations = self.env["event.registration"].sudo().browse(list(results))
        for registration in registrations:
            values = results.get(registration.id)
            footer = values and registration._qualiopi_procedure_footer()
            if not footer:
                continue
            for key in ("body_html", "body"):
                if values.get(key):
                    values[key] = Markup(values[key]) + footer
        return results
