from odoo import fields, models


class QualiopiIndicator31Report(models.TransientModel):
    _inherit = "qualiopi.indicator31.report"

    def action_build_evidence_pack(self):
        """A pack of the wizard's period, company, sample and language, queued
        for the background job; opens the pack to follow its progress."""
        self.ensure_one()
        lang = self.lang or self.env.context.get("lang")
        pack = self.env["qualiopi.evidence.pack"].create(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "company_id": self.company_id.id,
                "event_ids": [fields.Command.set(self.event_ids.ids)],
                "lang": lang or self.company_id.partner_id.lang or "en_US",
            }
        )
        pack.action_build()
        return {
            "type": "ir.actions.act_window",
            "res_model": pack._name,
            "res_id": pack.id,
            "view_mode": "form",
            "target": "current",
        }
