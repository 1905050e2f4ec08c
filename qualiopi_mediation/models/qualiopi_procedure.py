from odoo import models


class QualiopiProcedure(models.Model):
    _inherit = "qualiopi.procedure"

    def _qualiopi_procedure_data(self):
        """Add the company's mediator and the notice the complainants read."""
        data = super()._qualiopi_procedure_data()
        # The mediator is public: the procedure shows it to visitors.
        mediator = data["company"].sudo().qualiopi_mediator_id
        data["mediator"] = mediator
        data["mediation_notice"] = mediator._qualiopi_notice_html() if mediator else False
        return data
