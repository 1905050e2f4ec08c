from odoo import api, fields, models


class QualiopiAuditorAccessLog(models.Model):
    """What an auditor opened (who, what, when), written by the server after
    the read succeeded; nobody writes or deletes it."""

    _name = "qualiopi.auditor.access.log"
    _description = "Qualiopi Auditor Access Log"
    _order = "id desc"

    user_id = fields.Many2one(
        comodel_name="res.users", string="Auditor", required=True, readonly=True, index=True
    )
    access_id = fields.Many2one(
        comodel_name="qualiopi.auditor.access", readonly=True, index=True, ondelete="set null"
    )
    company_id = fields.Many2one(related="access_id.company_id", store=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    action = fields.Selection(
        selection=[("open", "Opened"), ("list", "Listed"), ("download", "Downloaded")],
        required=True,
        readonly=True,
    )
    res_model = fields.Char(string="Model", readonly=True)
    res_ids = fields.Char(string="Record ids", readonly=True)
    name = fields.Char(string="What", readonly=True)

    @api.model
    def _qualiopi_log(self, action, records, name=None):
        """Log ``records`` opened by the current user when they are an
        auditor (in the Auditor group and not a Qualiopi user)."""
        user = self.env.user
        if (
            self.env.su
            or not user.has_group("qualiopi_reclamation.group_qualiopi_auditor")
            or user.has_group("qualiopi_reclamation.group_qualiopi_user")
        ):
            return self.browse()
        # sudo: an auditor reads neither their accesses nor the log, which the
        # server writes for them; the names are of records they just read.
        access = user.sudo()._qualiopi_current_auditor_accesses()[:1]
        if name is None:
            names = records.sudo().mapped("display_name")
            name = ", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else "")
        return self.sudo().create(
            {
                "user_id": user.id,
                "access_id": access.id,
                "action": action,
                "res_model": records._name,
                "res_ids": ",".join(str(i) for i in records.ids[:1000]),
                "name": (name or "")[:500],
            }
        )
