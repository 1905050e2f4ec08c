from odoo import api, models

from ..models.helpdesk_ticket_confidential import CONFIDENTIAL_GROUP
from . import qualiopi_indicator31_register as register_mod


class ReportIndicator31(models.AbstractModel):
    """Confidential cases in the audit report: counted in the figures, printed
    as anonymised lines (register, sampled sessions) unless a confidential
    referent ticks "include confidential details". The report reads the
    register as superuser, so the masking is done here, not by record rules."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_reveal_confidential(self, wizard):
        # The real user's group, whatever the environment's superuser mode:
        # the evidence pack and the annual review never tick the option.
        return bool(wizard.include_confidential and self.env.user.has_group(CONFIDENTIAL_GROUP))

    @api.model
    def _qualiopi_counted_domains(self):
        return {
            **super()._qualiopi_counted_domains(),
            "confidential": [("qualiopi_confidential", "=", True)],
        }

    @api.model
    def _qualiopi_session_data(self, wizard, event):
        data = super()._qualiopi_session_data(wizard, event)
        reveal = self._qualiopi_reveal_confidential(wizard)
        title = register_mod.confidential_title(self.env)
        for record in data["records"]:
            ticket = record["ticket"]
            record["title"] = ticket.name
            if ticket.qualiopi_confidential and not reveal:
                record.update(title=title, handling="", informed="", evidence="")
        return data
