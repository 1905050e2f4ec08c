from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

SCALE = [("1", "1 - Low"), ("2", "2 - Moderate"), ("3", "3 - High"), ("4", "4 - Very high")]
LEVEL_LABELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
OPEN_STATES = ("proposed", "open")
# The source records a risk's printed row names; the others are counted.
RECORDS_LISTED = 10


def level_label(level):
    """The label of a level (likelihood × impact, 1 to 16)."""
    if level >= 12:
        return "critical"
    if level >= 8:
        return "high"
    if level >= 4:
        return "medium"
    return "low"


class QualiopiRisk(models.Model):
    """A quality risk (indicator 32 of the 2026 standard: the improvement
    measures rest on an analysis of the quality risks). The register proposes
    one from a hazard or a recurrent cause; the team assesses it (likelihood ×
    impact), treats it with improvement actions and reviews it."""

    _name = "qualiopi.risk"
    _description = "Qualiopi Quality Risk"
    _inherit = ["mail.thread", "mail.activity.mixin", "qualiopi.auditor.logged.mixin"]
    _qualiopi_evidence = True
    _order = "level desc, review_date, id desc"
    _check_company_auto = True

    name = fields.Char(string="Risk", required=True, tracking=True)
    description = fields.Text(help="What could happen, to whom, and why.")
    cause_category_id = fields.Many2one(
        comodel_name="qualiopi.cause.category",
        string="Cause category",
        tracking=True,
        index=True,
        check_company=True,
    )
    likelihood = fields.Selection(selection=SCALE, required=True, default="2", tracking=True)
    impact = fields.Selection(selection=SCALE, required=True, default="2", tracking=True)
    level = fields.Integer(
        compute="_compute_level",
        store=True,
        help="Likelihood × impact, from 1 to 16.",
    )
    level_label = fields.Selection(
        selection=LEVEL_LABELS, string="Level label", compute="_compute_level", store=True
    )
    treatment = fields.Text(tracking=True, help="How the risk is reduced, accepted or monitored.")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Owner",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    review_date = fields.Date(string="Next review", tracking=True)
    state = fields.Selection(
        selection=[
            ("proposed", "Proposed"),
            ("open", "Open"),
            ("treated", "Treated"),
            ("closed", "Closed"),
        ],
        default="open",
        required=True,
        tracking=True,
        copy=False,
    )
    closed_date = fields.Date(string="Closed on", readonly=True, copy=False)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="qualiopi_risk_helpdesk_ticket_rel",
        column1="risk_id",
        column2="helpdesk_ticket_id",
        string="Source records",
        domain="[('qualiopi_nature', '!=', False)]",
        check_company=True,
        copy=False,
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    improvement_action_ids = fields.Many2many(
        comodel_name="qualiopi.improvement.action",
        relation="qualiopi_risk_improvement_action_rel",
        column1="risk_id",
        column2="improvement_action_id",
        string="Improvement actions",
        check_company=True,
        copy=False,
    )

    @api.depends("likelihood", "impact")
    def _compute_level(self):
        for risk in self:
            risk.level = int(risk.likelihood or 0) * int(risk.impact or 0)
            risk.level_label = level_label(risk.level) if risk.level else False

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        for risk in self:
            risk.ticket_count = len(risk.ticket_ids)

    def write(self, vals):
        if vals.get("state") == "closed":
            vals.setdefault("closed_date", fields.Date.context_today(self))
        elif vals.get("state") in ("proposed", "open", "treated"):
            vals["closed_date"] = False
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_accept(self):
        """A proposed risk is accepted into the risk register."""
        self.check_access("write")
        self.filtered(lambda risk: risk.state == "proposed").write({"state": "open"})

    def action_treated(self):
        self.check_access("write")
        for risk in self:
            if not risk.treatment:
                raise UserError(
                    self.env._("Describe the treatment of the risk %(risk)s first.", risk=risk.name)
                )
        self.write({"state": "treated"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reopen(self):
        self.write({"state": "open"})

    def action_view_tickets(self):
        self.ensure_one()
        return self.ticket_ids._qualiopi_action_open_register()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _qualiopi_record_references(self):
        """{risk id: its first source records' references, by reception, and
        how many more}, in one query: a risk of a recurrent cause gathers
        hundreds of records, which its printed row counts rather than lists.
        Read as the records are linked (the report checked the company)."""
        if not self:
            return {}
        relation = self._fields["ticket_ids"]
        rows = self.env.execute_query(
            SQL(
                "SELECT rel.%s, count(*), (array_agg(ticket.number ORDER BY"
                " ticket.received_date, ticket.id))[1:%s] FROM %s rel JOIN helpdesk_ticket"
                " ticket ON ticket.id = rel.%s WHERE rel.%s IN %s GROUP BY rel.%s",
                SQL.identifier(relation.column1),
                RECORDS_LISTED,
                SQL.identifier(relation.relation),
                SQL.identifier(relation.column2),
                SQL.identifier(relation.column1),
                tuple(self.ids),
                SQL.identifier(relation.column1),
            )
        )
        return {
            risk_id: self._qualiopi_first_named([number or "" for number in numbers], count)
            for risk_id, count, numbers in rows
        }

    @api.model
    def _qualiopi_first_named(self, names, count):
        """``names`` (the first of ``count``) joined, the rest counted: "a, b
        and 8 more", in the report's language."""
        listed = ", ".join(names)
        if count > len(names):
            listed = self.env._(
                "%(records)s and %(count)s more", records=listed, count=count - len(names)
            )
        return listed

    def _qualiopi_proposals_summary(self):
        """The risks of ``self`` (proposals awaiting assessment) as the reports
        print them: their count and their names, the longest waiting first,
        the first ``RECORDS_LISTED`` named and the rest counted."""
        listed = self.sorted("id")[:RECORDS_LISTED]
        return {
            "count": len(self),
            "names": self._qualiopi_first_named(listed.mapped("name"), len(self)),
        }

    def _qualiopi_report_rows(self):
        """The risks as plain values (JSON-ready), in the report's language:
        the rows of the audit report's and the annual review's risk tables."""
        labels = {
            fname: dict(self._fields[fname]._description_selection(self.env))
            for fname in ("level_label", "state")
        }
        references = self._qualiopi_record_references()
        return [
            {
                "id": risk.id,
                "name": risk.name,
                "cause": risk.cause_category_id.name or "",
                "likelihood": int(risk.likelihood),
                "impact": int(risk.impact),
                "level": risk.level,
                "level_key": risk.level_label,
                "level_label": labels["level_label"].get(risk.level_label, ""),
                "state": labels["state"].get(risk.state, ""),
                "treatment": risk.treatment or "",
                "owner": risk.user_id.name or "",
                "review_date": fields.Date.to_string(risk.review_date) or "",
                "records": references.get(risk.id, ""),
                "actions": ", ".join(risk.improvement_action_ids.mapped("reference")),
            }
            for risk in self
        ]
