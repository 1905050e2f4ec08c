from markupsafe import Markup

from odoo import models

# Emails of training sessions that may carry the link to the complaint procedure.
EVENT_TEMPLATES = ("event.event_subscription", "event.event_reminder")


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _prepare_mail_values(self, res_ids):
        results = super()._prepare_mail_values(res_ids)
        if self.model != "event.registration" or not self.template_id:
            return results
        templates = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in EVENT_TEMPLATES]
        if self.template_id not in templates:
            return results
        registrations = self.env["event.registration"].sudo().browse(list(results))
        for registration in registrations:
            company = registration.company_id or registration.event_id.company_id
            values = results.get(registration.id)
            if not company.qualiopi_procedure_in_event_mail or not values:
                continue
            lang = registration.partner_id.lang or registration.event_id.lang
            footer = (
                self.env["ir.qweb"]
                .with_context(lang=lang or self.env.lang)
                ._render(
                    "qualiopi_reclamation.event_mail_procedure_link",
                    {
                        "company": company,
                        "event": registration.event_id,
                        "base_url": company.get_base_url(),
                    },
                )
            )
            for key in ("body_html", "body"):
                if values.get(key):
                    values[key] = Markup(values[key]) + footer
        return results
