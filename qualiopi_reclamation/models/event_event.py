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
    qualiopi_reference = fields.Char(
        string="Session reference",
        readonly=True,
        copy=False,
        index=True,
        help="Short reference of the session, printed on convocations and in the "
        "registration emails; a complainant may quote it in the public form.",
    )

    _sql_constraints = [
        (
            "qualiopi_reference_company_uniq",
            "unique(qualiopi_reference, company_id)",
            "The session reference must be unique per company.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.filtered(lambda event: not event.qualiopi_reference)._qualiopi_set_reference()
        return events

    def _qualiopi_set_reference(self):
        """Give each session without one its reference (SES-2026-0042)."""
        # Users who may create a session may not read sequences: the reference
        # is the application's, not typed.
        Sequence = self.env["ir.sequence"].sudo()
        for event in self:
            reference = Sequence.with_company(event.company_id or self.env.company).next_by_code(
                "qualiopi.event.reference"
            )
            if reference:
                # Read-only for users: set once by the application, at creation.
                event.sudo().qualiopi_reference = reference.upper()

    @api.model
    def _qualiopi_fill_references(self):
        """Sessions created before the module was installed get their reference.

        The sample events of other modules' demo data (Odoo's conferences and
        concerts) are not training sessions: they get none.
        """
        events = self.with_context(active_test=False).search(
            [("qualiopi_reference", "=", False)], order="date_begin, id"
        )
        demo_modules = self.env["ir.module.module"].search([("demo", "=", True)])
        samples = self.env["ir.model.data"].search(
            [
                ("model", "=", self._name),
                ("module", "in", demo_modules.mapped("name")),
                ("res_id", "in", events.ids),
            ]
        )
        (events - self.browse(samples.mapped("res_id")))._qualiopi_set_reference()

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
