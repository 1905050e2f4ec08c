import datetime

from odoo import api, fields, models

from .helpdesk_ticket import FOUNDED_VALUES


class HelpdeskTicket(models.Model):
    """Analysis of the records and improvement actions (indicator 32)."""

    _inherit = "helpdesk.ticket"

    # Analysis
    qualiopi_cause_category_id = fields.Many2one(
        comodel_name="qualiopi.cause.category",
        string="Cause category",
        tracking=True,
        index=True,
    )
    qualiopi_founded = fields.Selection(selection=FOUNDED_VALUES, string="Founded", tracking=True)
    qualiopi_root_cause = fields.Text(string="Root cause", tracking=True)
    qualiopi_corrective_note = fields.Text(string="Corrective action", tracking=True)
    improvement_action_ids = fields.Many2many(
        comodel_name="qualiopi.improvement.action",
        relation="qualiopi_improvement_action_helpdesk_ticket_rel",
        column1="helpdesk_ticket_id",
        column2="improvement_action_id",
        string="Improvement actions",
        copy=False,
    )
    improvement_action_count = fields.Integer(compute="_compute_improvement_action_count")
    qualiopi_recurrent = fields.Boolean(
        string="Recurrent",
        compute="_compute_qualiopi_recurrent",
        store=True,
        help="The same cause already occurred on this session or course within "
        "the company's recurrence window.",
    )

    @api.depends("improvement_action_ids")
    def _compute_improvement_action_count(self):
        for ticket in self:
            ticket.improvement_action_count = len(ticket.improvement_action_ids)

    @api.depends(
        "qualiopi_nature", "qualiopi_cause_category_id", "event_id", "received_date", "company_id"
    )
    def _compute_qualiopi_recurrent(self):
        candidates = self.filtered(
            lambda t: (
                t.qualiopi_nature
                and t.qualiopi_cause_category_id
                and t.event_id
                and t.received_date
            )
        )
        (self - candidates).qualiopi_recurrent = False
        if not candidates:
            return
        # One query for the earlier records any candidate could repeat, then
        # matched in memory: a bulk import must not cost a query per record.
        window = {
            company: datetime.timedelta(days=company.qualiopi_recurrence_days)
            for company in candidates.company_id
        }
        earliest = min(t.received_date - window[t.company_id] for t in candidates)
        events = candidates.event_id
        # Every earlier record, the user's or not (archived, confidential):
        # recurrence is a fact of the register; only a flag is read back.
        previous = (
            self.with_context(active_test=False)
            .sudo()
            .search_fetch(
                [
                    ("qualiopi_nature", "!=", False),
                    ("company_id", "in", candidates.company_id.ids),
                    ("qualiopi_cause_category_id", "in", candidates.qualiopi_cause_category_id.ids),
                    ("received_date", ">=", earliest),
                    ("received_date", "<=", max(candidates.mapped("received_date"))),
                    "|",
                    ("event_id", "in", events.ids),
                    ("event_type_id", "in", events.event_type_id.ids),
                ],
                [
                    "company_id",
                    "qualiopi_cause_category_id",
                    "received_date",
                    "event_id",
                    "event_type_id",
                ],
            )
        )
        by_cause = {}
        for record in previous:
            key = (record.company_id.id, record.qualiopi_cause_category_id.id)
            by_cause.setdefault(key, []).append(record)
        for ticket in candidates:
            start = ticket.received_date - window[ticket.company_id]
            event = ticket.event_id
            ticket.qualiopi_recurrent = any(
                record.id != ticket._origin.id
                and start <= record.received_date <= ticket.received_date
                and (
                    record.event_id == event
                    or (event.event_type_id and record.event_type_id == event.event_type_id)
                )
                for record in by_cause.get(
                    (ticket.company_id.id, ticket.qualiopi_cause_category_id.id), ()
                )
            )

    def action_qualiopi_create_improvement_action(self):
        self.ensure_one()
        self.check_access("write")
        action_type = self.env.context.get("qualiopi_action_type") or (
            "preventive" if self.qualiopi_recurrent else "corrective"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Improvement action"),
            "res_model": "qualiopi.improvement.action",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_ticket_ids": [fields.Command.set(self.ids)],
                "default_action_type": action_type,
                "default_name": self.name,
                "default_description": self.qualiopi_root_cause or False,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_improvement_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_improvement_action"
        )
        action["domain"] = [("ticket_ids", "in", self.ids)]
        action["context"] = {"default_ticket_ids": [fields.Command.set(self.ids)]}
        return action
