from odoo import api, fields, models
from odoo.exceptions import ValidationError


class QualiopiImprovementAction(models.Model):
    _name = "qualiopi.improvement.action"
    _description = "Qualiopi Improvement Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _qualiopi_evidence = True
    _order = "date_deadline, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(default="/", readonly=True, copy=False, index=True)
    action_type = fields.Selection(
        selection=[("corrective", "Corrective"), ("preventive", "Preventive")],
        string="Type",
        required=True,
        default="corrective",
        tracking=True,
    )
    description = fields.Html(string="Action to carry out")
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="qualiopi_improvement_action_helpdesk_ticket_rel",
        column1="improvement_action_id",
        column2="helpdesk_ticket_id",
        string="Source records",
        domain="[('qualiopi_nature', '!=', False)]",
        check_company=True,
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    event_ids = fields.Many2many(
        comodel_name="event.event",
        string="Sessions",
        compute="_compute_event_ids",
        store=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Owner",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    date_deadline = fields.Date(string="Due date", required=True, tracking=True)
    date_done = fields.Date(string="Done on", tracking=True, copy=False)
    state = fields.Selection(
        selection=[
            ("planned", "Planned"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="planned",
        required=True,
        tracking=True,
        copy=False,
    )
    effectiveness = fields.Selection(
        selection=[
            ("pending", "To be checked"),
            ("effective", "Effective"),
            ("not_effective", "Not effective"),
        ],
        default="pending",
        required=True,
        tracking=True,
        copy=False,
    )
    effectiveness_check_date = fields.Date(
        string="Effectiveness checked on", tracking=True, copy=False
    )
    effectiveness_note = fields.Text(string="Effectiveness check", copy=False)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    active = fields.Boolean(default=True)

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        for action in self:
            action.ticket_count = len(action.ticket_ids)

    @api.depends("ticket_ids.event_id")
    def _compute_event_ids(self):
        for action in self:
            action.event_ids = action.ticket_ids.event_id

    @api.depends("state", "date_deadline")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_late = bool(
                action.state in ("planned", "in_progress")
                and action.date_deadline
                and action.date_deadline < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = [
            ("state", "in", ("planned", "in_progress")),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.constrains("state", "date_done", "effectiveness", "effectiveness_check_date")
    def _check_effectiveness(self):
        for action in self:
            if action.state == "done" and not action.date_done:
                raise ValidationError(
                    self.env._("Say when the action %(action)s was done.", action=action.name)
                )
            if action.effectiveness != "pending":
                if action.state != "done":
                    raise ValidationError(
                        self.env._(
                            "The effectiveness of %(action)s can only be checked once it is done.",
                            action=action.name,
                        )
                    )
                if not (action.effectiveness_check_date and action.effectiveness_note):
                    raise ValidationError(
                        self.env._(
                            "Record when and how the effectiveness of %(action)s was checked.",
                            action=action.name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = (
                    self.env["ir.sequence"].next_by_code("qualiopi.improvement.action") or "/"
                )
        return super().create(vals_list)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for action in self:
            action.display_name = f"{action.reference} - {action.name}"

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_done(self):
        for action in self:
            action.write(
                {
                    "state": "done",
                    "date_done": action.date_done or fields.Date.context_today(self),
                }
            )

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_view_tickets(self):
        self.ensure_one()
        return self.ticket_ids._qualiopi_action_open_register()

    def _qualiopi_export_table(self):
        """The actions as (column titles, rows of values), the one layout of the
        audit report's sheet and the evidence pack's file."""
        labels = {
            fname: dict(self._fields[fname]._description_selection(self.env))
            for fname in ("action_type", "state", "effectiveness")
        }
        headers = [
            self.env._("Reference"),
            self.env._("Title"),
            self.env._("Type"),
            self.env._("Source records"),
            self.env._("Owner"),
            self.env._("Due date"),
            self.env._("State"),
            self.env._("Done on"),
            self.env._("Effectiveness"),
            self.env._("Checked on"),
        ]
        rows = [
            [
                action.reference,
                action.name,
                labels["action_type"].get(action.action_type),
                ", ".join(action.ticket_ids.mapped("number")),
                action.user_id.name,
                action.date_deadline,
                labels["state"].get(action.state),
                action.date_done,
                labels["effectiveness"].get(action.effectiveness),
                action.effectiveness_check_date,
            ]
            for action in self
        ]
        return headers, rows
