from collections import defaultdict

from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _check_access(self, operation):
        """A message on Qualiopi evidence is created by someone who may write the
        record: following it or having been notified is not enough (the mail
        rules accept both), so that the auditor never adds to the register."""
        result = super()._check_access(operation)
        if operation != "create" or not self or self.env.su or self.env.user.share:
            return result
        forbidden = result[0] if result else self.browse()
        by_document = defaultdict(lambda: defaultdict(list))
        # Only to read which documents the messages are on; the write access
        # to those documents is what is checked below.
        for message in (self - forbidden).sudo():
            if (
                message.model
                and message.res_id
                and message.message_type != "user_notification"
                and message.model in self.env
                and getattr(self.env[message.model], "_qualiopi_evidence_records", None)
            ):
                by_document[message.model][message.res_id].append(message.id)
        refused_ids = []
        for model, message_ids_by_record in by_document.items():
            documents = self.env[model].browse(message_ids_by_record)
            for document in documents._qualiopi_evidence_unwritable():
                refused_ids.extend(message_ids_by_record[document.id])
        if not refused_ids:
            return result
        forbidden += self.browse(refused_ids)
        return (forbidden, lambda: forbidden._make_access_error(operation))
