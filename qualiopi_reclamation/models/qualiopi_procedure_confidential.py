from odoo import models

from .helpdesk_ticket_confidential import CONFIDENTIAL_GROUP


class QualiopiProcedure(models.Model):
    """The procedure's section on violence, harassment and discrimination
    (indicator 12 of the 2026 national standard): the confidential channel,
    the referents and their deadlines."""

    _inherit = "qualiopi.procedure"

    def _qualiopi_procedure_data(self):
        data = super()._qualiopi_procedure_data()
        company = self.company_id
        # Published: the referents are the people a victim or a witness turns
        # to; only their names, read as the system (visitors read the page).
        referents = (
            self.env.ref(CONFIDENTIAL_GROUP)
            .sudo()
            .users.filtered(lambda user: user.active and company in user.company_ids)
        )
        base_url = company.get_base_url()
        form = company.qualiopi_public_form_enabled
        data["confidential"] = {
            "ack_days": company.qualiopi_confidential_ack_days,
            "response_months": company.qualiopi_confidential_response_months,
            "referents": ", ".join(referents.sorted("name").mapped("name")),
            "anonymous_url": f"{base_url}/qualiopi/reclamation?anonymous=1" if form else "",
            "followup_url": f"{base_url}/qualiopi/reclamation/suivi" if form else "",
        }
        return data
