from odoo import models


class EventRegistration(models.Model):
    _inherit = "event.registration"

    def _qualiopi_procedure_footer(self):
        """The link to the complaint procedure that ends the emails of this
        registration's session, in the attendee's language; empty when the
        company does not send it."""
        self.ensure_one()
        company = self.company_id or self.event_id.company_id
        if not company.qualiopi_procedure_in_event_mail:
            return ""
        lang = self.partner_id.lang or self.event_id.lang or self.env.lang
        return (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render(
                "qualiopi_reclamation.event_mail_procedure_link",
                {
                    "company": company,
                    "event": self.event_id,
                    "base_url": company.get_base_url(),
                },
            )
        )
