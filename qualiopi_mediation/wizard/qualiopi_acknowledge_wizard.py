from odoo import fields, models


class QualiopiAcknowledgeWizard(models.TransientModel):
    _inherit = "qualiopi.acknowledge.wizard"

    mediation_informed = fields.Boolean(
        string="Mediator's details given",
        help="The letter or the conversation gave the complainant the consumer "
        "mediator's name, website and postal address and the conditions of the "
        "mediation: the record keeps the date as evidence.",
    )

    def action_confirm(self):
        result = super().action_confirm()
        for wizard in self.filtered("mediation_informed"):
            ticket = wizard.ticket_id
            if not ticket.mediation_informed_date:
                # The date is evidence no user may type: the wizard records it
                # after the acknowledgement the user had the right to record.
                ticket.sudo().write({"mediation_informed_date": wizard.ack_date})
                ticket.message_post(
                    body=self.env._(
                        "The complainant was given the mediator's details with the "
                        "acknowledgement (%(date)s).",
                        date=fields.Datetime.to_string(wizard.ack_date),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return result
