from odoo import api, fields, models

HEALTH_GROUPS = (
    "qualiopi_reclamation.group_qualiopi_disability_referent,"
    "qualiopi_reclamation.group_qualiopi_manager"
)


class HelpdeskTicket(models.Model):
    """Disability and accessibility: the company's referent owns the record,
    and its health details are read by the referent and the managers only."""

    _inherit = "helpdesk.ticket"

    # Health data (GDPR art. 9): no tracking (the chatter is read by every
    # Qualiopi user and the auditor), never copied, never in reports or packs.
    qualiopi_health_details = fields.Text(
        string="Health details",
        groups=HEALTH_GROUPS,
        copy=False,
        help="Health or disability details needed to adapt the training. Read by "
        "the disability referent and the Qualiopi managers only; never printed in "
        "the audit report nor the evidence pack.",
    )
    qualiopi_is_disability = fields.Boolean(
        related="qualiopi_cause_category_id.is_disability",
        string="About disability or accessibility",
    )

    @api.model
    def _qualiopi_default_owner(self, vals):
        """A record about disability or accessibility is owned by the
        company's referent from its creation (the owner's assignment notice
        names it); a confidential case stays with its confidential referent."""
        super()._qualiopi_default_owner(vals)
        if vals.get("qualiopi_confidential") or vals.get("qualiopi_anonymous"):
            return
        # The category and the company's setting decide, whoever files the
        # record (a portal user cannot read the settings).
        cause = (
            self.env["qualiopi.cause.category"]
            .sudo()
            .browse(vals.get("qualiopi_cause_category_id"))
        )
        company = self.env["res.company"].sudo().browse(vals.get("company_id")) or self.env.company
        if cause.is_disability and company.qualiopi_disability_referent_id:
            vals["user_id"] = company.qualiopi_disability_referent_id.id

    def write(self, vals):
        result = super().write(vals)
        if vals.get("qualiopi_cause_category_id") or vals.get("qualiopi_nature"):
            self._qualiopi_assign_disability_referent()
        return result

    def _qualiopi_assign_disability_referent(self):
        """Give the records about disability or accessibility to their company's
        referent, when it has one and they are not theirs already."""
        # The category and the company's setting decide, whoever files the
        # record (a portal user cannot read the settings).
        for ticket in self.sudo():
            referent = ticket.company_id.qualiopi_disability_referent_id
            if (
                ticket.qualiopi_nature
                and not ticket.qualiopi_confidential
                and ticket.qualiopi_cause_category_id.is_disability
                and referent
                and ticket.user_id != referent
            ):
                ticket.user_id = referent
