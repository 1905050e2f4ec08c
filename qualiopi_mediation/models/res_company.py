from odoo import fields, models

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
                    ("funding_type", "in", CONSUMER_FUNDING_TYPES),
                ],
                limit=1,
            )
        )
