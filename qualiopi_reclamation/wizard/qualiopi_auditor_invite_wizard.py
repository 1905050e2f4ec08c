from odoo import fields, models


class QualiopiAuditorInviteWizard(models.TransientModel):
    """Invite an external auditor by email: a user with the Auditor group
    only (never the default rights of a new employee) and a dated access."""

    _name = "qualiopi.auditor.invite.wizard"
    _description = "Invite an auditor"

    name = fields.Char(string="Auditor's name", required=True)
    email = fields.Char(required=True)
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", required=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    event_ids = fields.Many2many(
        comodel_name="event.event",
        string="Sessions",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Empty: every session and record of the company.",
    )

    def action_invite(self):
        self.ensure_one()
        access = self.env["qualiopi.auditor.access"].action_invite(
            self.name,
            self.email.strip(),
            self.date_from,
            self.date_to,
            company_id=self.company_id.id,
            event_ids=self.event_ids.ids,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": access._name,
            "res_id": access.id,
            "view_mode": "form",
        }
