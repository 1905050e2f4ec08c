from odoo import api, models


class MailScheduledMessage(models.Model):
    _inherit = "mail.scheduled.message"

    @api.model
    def _check(self, values=None):
        """A message scheduled on Qualiopi evidence is later posted as superuser:
        whoever schedules it must be able to write the record."""
        result = super()._check(values=values)
        # Only to read which documents they are on, checked below.
        documents = [(message.model, message.res_id) for message in self.sudo()]
        if values and values.get("model") and values.get("res_id"):
            documents.append((values["model"], values["res_id"]))
        for model, res_id in documents:
            record = self.env[model].browse(res_id)
            if getattr(record, "_qualiopi_check_evidence_write", None):
                record._qualiopi_check_evidence_write()
        return result
