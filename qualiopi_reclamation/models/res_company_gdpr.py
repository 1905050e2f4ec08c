from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .helpdesk_ticket import QUALIOPI_NATURES

REFERENT_GROUP = "qualiopi_reclamation.group_qualiopi_disability_referent"


class ResCompany(models.Model):
    """Personal data of the register: the disability referent and how long
    closed records keep their personal data."""

    _inherit = "res.company"

    qualiopi_disability_referent_id = fields.Many2one(
        comodel_name="res.users",
        string="Disability referent",
        domain=[("share", "=", False)],
        help="Owns the difficulties and other records about disability or "
        "accessibility, and reads their health details with the Qualiopi managers.",
    )
    qualiopi_retention_years = fields.Integer(
        string="Retention of personal data (years)",
        default=3,
        help="Years after closure a record keeps its personal data; then it is "
        "anonymised, keeping its line in the register and the statistics.",
    )
    qualiopi_retention_years_complaint = fields.Integer(
        string="Retention of complaints (years)",
        help="Years after closure for complaints; 0: the default retention.",
    )
    qualiopi_retention_years_difficulty = fields.Integer(
        string="Retention of difficulties (years)",
        help="Years after closure for difficulties; 0: the default retention.",
    )
    qualiopi_retention_years_hazard = fields.Integer(
        string="Retention of hazards (years)",
        help="Years after closure for hazards; 0: the default retention.",
    )

    @api.constrains(
        "qualiopi_retention_years",
        "qualiopi_retention_years_complaint",
        "qualiopi_retention_years_difficulty",
        "qualiopi_retention_years_hazard",
    )
    def _check_qualiopi_retention_years(self):
        for company in self:
            if company.qualiopi_retention_years < 1 or any(
                company[f"qualiopi_retention_years_{nature}"] < 0 for nature, __ in QUALIOPI_NATURES
            ):
                raise ValidationError(
                    self.env._(
                        "The retention of personal data is at least one year after closure "
                        "(0 for a nature: the default retention)."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._qualiopi_sync_disability_referents()
        return companies

    def write(self, vals):
        previous = self.qualiopi_disability_referent_id
        result = super().write(vals)
        if "qualiopi_disability_referent_id" in vals:
            self._qualiopi_sync_disability_referents(previous)
        return result

    def _qualiopi_sync_disability_referents(self, previous=None):
        """Put the companies' referents in the referent group; a former referent
        who is no company's referent any more leaves it."""
        group = self.env.ref(REFERENT_GROUP, raise_if_not_found=False)
        if not group:
            return
        # Settings are the administrator's: the group follows the setting.
        group = group.sudo()
        referents = self.sudo().qualiopi_disability_referent_id
        if referents - group.users:
            group.write({"users": [fields.Command.link(user.id) for user in referents]})
        if previous:
            still = (
                self.sudo()
                .search([("qualiopi_disability_referent_id", "in", previous.ids)])
                .qualiopi_disability_referent_id
            )
            gone = previous - still
            if gone:
                group.write({"users": [fields.Command.unlink(user.id) for user in gone]})

    def _qualiopi_retention_years_for(self, nature):
        """Years after closure a record of this nature keeps its personal data."""
        self.ensure_one()
        return self[f"qualiopi_retention_years_{nature}"] or self.qualiopi_retention_years
