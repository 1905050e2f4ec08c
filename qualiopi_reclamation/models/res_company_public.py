from odoo import fields, models

# The mediator's fields shown to complainants, when the mediation addon is
# installed (qualiopi_mediation: res.company.qualiopi_mediator_id).
MEDIATOR_FIELDS = ("name", "website", "email", "phone", "street", "zip", "city")


class ResCompany(models.Model):
    _inherit = "res.company"

    qualiopi_public_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Team of the public form",
        check_company=True,
        help="Helpdesk team that receives the complaints and difficulties filed "
        "through the public form.",
    )
    qualiopi_privacy_url = fields.Char(
        string="Personal data policy (URL)",
        help="Link shown next to the consent box of the public form.",
    )
    qualiopi_procedure_in_event_mail = fields.Boolean(
        string="Link the complaint procedure in session emails",
        help="Add a link to the published complaint procedure at the end of the "
        "registration confirmation and reminder emails of training sessions.",
    )

    def _qualiopi_public_mediator(self):
        """The consumer mediator's details to publish, or an empty dict.

        The mediation addon stores the mediator on ``qualiopi_mediator_id``; any
        addon can override this method to publish another source.
        """
        self.ensure_one()
        if "qualiopi_mediator_id" not in self._fields:
            return {}
        mediator = self.sudo().qualiopi_mediator_id
        if not mediator:
            return {}
        details = {
            fname: mediator[fname] or "" for fname in MEDIATOR_FIELDS if fname in mediator._fields
        }
        country = "country_id" in mediator._fields and mediator.country_id
        details["country"] = country.name if country else ""
        return details
