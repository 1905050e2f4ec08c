from odoo import api, fields, models

from .qualiopi_risk import OPEN_STATES


class HelpdeskTicket(models.Model):
    """The register feeds the risk analysis (indicator 32 of the 2026
    standard): a hazard, or a cause that recurs, proposes a quality risk."""

    _inherit = "helpdesk.ticket"

    qualiopi_risk_ids = fields.Many2many(
        comodel_name="qualiopi.risk",
        relation="qualiopi_risk_helpdesk_ticket_rel",
        column1="helpdesk_ticket_id",
        column2="risk_id",
        string="Quality risks",
        copy=False,
    )
    qualiopi_risk_count = fields.Integer(compute="_compute_qualiopi_risk_count")

    @api.depends("qualiopi_risk_ids")
    def _compute_qualiopi_risk_count(self):
        for ticket in self:
            ticket.qualiopi_risk_count = len(ticket.qualiopi_risk_ids)

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._qualiopi_propose_risks()
        return tickets

    def write(self, vals):
        watched = {"qualiopi_nature", "qualiopi_cause_category_id", "event_id", "received_date"}
        if not watched.intersection(vals):
            return super().write(vals)
        # Those that were neither a hazard nor recurrent may become one.
        before = self.filtered(lambda t: t.qualiopi_nature != "hazard" and not t.qualiopi_recurrent)
        result = super().write(vals)
        before._qualiopi_propose_risks()
        return result

    def _qualiopi_risk_candidates(self):
        """The records that propose a risk: hazards and recurrent causes
        not linked to a risk yet."""
        return self.filtered(
            lambda t: (
                t.qualiopi_nature
                and (t.qualiopi_nature == "hazard" or t.qualiopi_recurrent)
                and not t.sudo().qualiopi_risk_ids
            )
        )

    def _qualiopi_propose_risks(self, force=False):
        """Propose a risk for each hazard or recurrent record of ``self`` (for
        each record with ``force``): linked to the open or proposed risk of the
        same company and cause category when there is one, else a new risk in
        state "proposed". Returns the risks, one per record handled.

        The proposal follows the creation or change of the record, which the
        user was allowed to make (a visitor's form, the mail gateway): it is
        written as superuser, and copies no text of the record (its number
        only), which may come from the public."""
        if self.env.context.get("qualiopi_no_risk_proposal") and not force:
            return self.env["qualiopi.risk"]
        tickets = self.filtered("qualiopi_nature") if force else self._qualiopi_risk_candidates()
        if not tickets:
            return self.env["qualiopi.risk"]
        # No assignment notice to the owner: a proposal is reviewed from the
        # risk register, not pushed by email.
        Risk = self.env["qualiopi.risk"].sudo().with_context(mail_auto_subscribe_no_notify=True)
        causes = tickets.qualiopi_cause_category_id
        by_cause = {}
        if causes:
            for risk in Risk.search(
                [
                    ("company_id", "in", tickets.company_id.ids),
                    ("cause_category_id", "in", causes.ids),
                    ("state", "in", OPEN_STATES),
                ],
                order="id",
            ):
                by_cause.setdefault((risk.company_id.id, risk.cause_category_id.id), risk)
        # Grouped, so that a batch (an import) costs a write per risk and a
        # create for all: {risk: tickets to link}, {cause or ticket: tickets}.
        to_link, to_create = {}, {}
        for ticket in tickets:
            existing = ticket.sudo().qualiopi_risk_ids.filtered(lambda r: r.state in OPEN_STATES)
            key = (ticket.company_id.id, ticket.qualiopi_cause_category_id.id)
            if existing:
                to_link.setdefault(existing[:1], self.browse())
            elif ticket.qualiopi_cause_category_id and key in by_cause:
                risk = by_cause[key]
                to_link[risk] = to_link.get(risk, self.browse()) | ticket
            else:
                group = key if ticket.qualiopi_cause_category_id else ("record", ticket.id)
                to_create[group] = to_create.get(group, self.browse()) | ticket
        for risk, linked in to_link.items():
            linked -= risk.ticket_ids
            if linked:
                risk.ticket_ids = [fields.Command.link(ticket.id) for ticket in linked]
                risk.message_post(
                    body=self.env._(
                        "Records %(numbers)s linked to this risk.",
                        numbers=", ".join(linked.mapped("number")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        vals_list = []
        for group in to_create.values():
            vals = group[0]._qualiopi_risk_values()
            vals["ticket_ids"] = [fields.Command.set(group.ids)]
            vals_list.append(vals)
        created = Risk.create(vals_list)
        return Risk.browse([linked_risk.id for linked_risk in to_link]) | created

    def _qualiopi_risk_values(self):
        self.ensure_one()
        cause = self.qualiopi_cause_category_id
        nature = dict(self._fields["qualiopi_nature"]._description_selection(self.env)).get(
            self.qualiopi_nature, ""
        )
        if self.qualiopi_recurrent:
            origin = self.env._("recurrent cause")
        else:
            origin = nature
        owner = self.user_id if self.user_id and not self.user_id.share else self.team_id.user_id
        return {
            "name": cause.name
            or self.env._("%(nature)s %(number)s", nature=nature, number=self.number),
            "description": self.env._(
                "Proposed from the record %(number)s (%(origin)s).",
                number=self.number,
                origin=origin,
            ),
            "cause_category_id": cause.id,
            "likelihood": "3" if self.qualiopi_recurrent else "2",
            "impact": "2",
            "state": "proposed",
            "user_id": owner.id,
            "company_id": self.company_id.id,
            "ticket_ids": [fields.Command.link(self.id)],
        }

    def action_qualiopi_risk(self):
        """The record's risk: opened when there is one, else proposed (or the
        open risk of its cause linked) and opened."""
        self.ensure_one()
        risks = self.qualiopi_risk_ids
        if not risks:
            self.check_access("write")
            self.env["qualiopi.risk"].check_access("create")
            risks = self._qualiopi_propose_risks(force=True).with_env(self.env)
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_reclamation.action_qualiopi_risk"
        )
        if len(risks) == 1:
            action.update({"res_id": risks.id, "view_mode": "form", "views": [(False, "form")]})
        else:
            action["domain"] = [("id", "in", risks.ids)]
        action["context"] = {}
        return action
