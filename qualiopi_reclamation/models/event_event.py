from odoo import api, fields, models


class EventEvent(models.Model):
    _inherit = "event.event"

    qualiopi_ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="event_id",
        string="Qualiopi records",
        domain=[("qualiopi_nature", "!=", False)],
    )
    qualiopi_ticket_count = fields.Integer(
        string="Qualiopi records count", compute="_compute_qualiopi_ticket_count"
    )

    @api.depends("qualiopi_ticket_ids")
    def _compute_qualiopi_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("event_id", "in", self.ids), ("qualiopi_nature", "!=", False)],
                ["event_id"],
                ["__count"],
            )
        )
        for event in self:
            event.qualiopi_ticket_count = counts.get(event, 0)

    def action_view_qualiopi_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_register"
        )
        action["domain"] = [("event_id", "=", self.id), ("qualiopi_nature", "!=", False)]
        action["context"] = {
            "default_event_id": self.id,
            "default_qualiopi_nature": "complaint",
        }
        return action

    def action_qualiopi_declare(self):
        """Open a new record on this session: a difficulty or a hazard."""
        self.ensure_one()
        nature = self.env.context.get("qualiopi_nature", "difficulty")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Declare a difficulty or a hazard"),
            "res_model": "helpdesk.ticket",
            "view_mode": "form",
            "views": [
                (self.env.ref("qualiopi_reclamation.helpdesk_ticket_view_form_qualiopi").id, "form")
            ],
            "target": "current",
            "context": {
                "default_event_id": self.id,
                "default_qualiopi_nature": nature,
                "default_stakeholder_type": "staff" if nature == "hazard" else "trainee",
                "default_name": self.env._(
                    "%(nature)s - %(event)s",
                    nature=dict(
                        self.env["helpdesk.ticket"]
                        ._fields["qualiopi_nature"]
                        ._description_selection(self.env)
                    )[nature],
                    event=self.name,
                ),
            },
        }
