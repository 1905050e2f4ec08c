from odoo import fields, models

# The mediator's fields published on the public form and procedure pages.
PUBLIC_MEDIATOR_FIELDS = ("name", "website", "email", "phone", "street", "zip", "city")

# Funding types by which an individual pays for the training: the sale is then
# a consumer contract, under the Code de la consommation (L612-1).
CONSUMER_FUNDING_TYPES = ("cpf", "self")


class ResCompany(models.Model):
    _inherit = "res.company"

    qualiopi_mediator_id = fields.Many2one(
        comodel_name="qualiopi.mediator",
        string="Consumer mediator",
        check_company=True,
        help="Told to every complainant in the acknowledgement and the answer, and on the portal.",
    )

    def _qualiopi_has_consumer_matters(self):
        """Whether the company trains individuals: a session open to individuals,
        or a register record funded by CPF or by the trainee."""
        self.ensure_one()
        # Whether the company has consumer records at all, whoever asks: a
        # setting's warning, no record is returned.
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        Event = self.env["event.event"].sudo().with_context(active_test=False)
        return bool(
            Event.search_count(
                [
                    ("company_id", "in", (self.id, False)),
                    ("qualiopi_for_individuals", "=", True),
                ],
                limit=1,
            )
            or Ticket.search_count(
                [
                    ("company_id", "=", self.id),
                    ("qualiopi_nature", "!=", False),
                    ("qualiopi_funding_type", "in", CONSUMER_FUNDING_TYPES),
                ],
                limit=1,
            )
        )

    def _qualiopi_public_mediator(self):
        self.ensure_one()
        # Shown on the public form and page: public information.
        mediator = self.sudo().qualiopi_mediator_id
        if not mediator:
            return super()._qualiopi_public_mediator()
        details = {fname: mediator[fname] or "" for fname in PUBLIC_MEDIATOR_FIELDS}
        details["country"] = mediator.country_id.name or ""
        return details
