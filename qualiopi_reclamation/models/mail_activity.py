from collections import defaultdict

from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _check_access(self, operation):
        """An activity on Qualiopi evidence is scheduled, changed or marked done
        only by someone who may write the record (the mail rules accept a mere
        reader on models that let readers post, such as tickets)."""
        result = super()._check_access(operation)
        if operation == "read" or not self or self.env.su or self.env.user.share:
            return result
        forbidden = result[0] if result else self.browse()
        by_document = defaultdict(lambda: defaultdict(list))
        # Only to read which documents the activities are on; the write
        # access to those documents is what is checked below.
        for activity in (self - forbidden).sudo():
            if activity.res_model in self.env and activity.res_id:
                by_document[activity.res_model][activity.res_id].append(activity.id)
        refused_ids = []
        for model, activity_ids_by_record in by_document.items():
            documents = self.env[model].browse(activity_ids_by_record)
            if not getattr(documents, "_qualiopi_evidence_unwritable", None):
                continue
            for document in documents._qualiopi_evidence_unwritable():
                refused_ids.extend(activity_ids_by_record[document.id])
        if not refused_ids:
            return result
        forbidden += self.browse(refused_ids)
        return (forbidden, lambda: forbidden._make_access_error(operation))
