import datetime
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Written by the server only: the approval (by a manager) and the figures (built
# from the register, rendered by QWeb, hence stored unsanitised).
SERVER_FIELDS = (
    "state",
    "approver_id",
    "approval_date",
    "figures",
    "figures_html",
    "figures_date",
    "complaint_count",
    "record_count",
)


class QualiopiAnnualReview(models.Model):
    """The yearly review (bilan annuel) of complaints, difficulties and hazards:
    a snapshot of the year's figures, a written analysis, approved and dated."""

    _name = "qualiopi.annual.review"
    _description = "Qualiopi Annual Review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _qualiopi_evidence = True
    _order = "year desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year - 1,
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    date_from = fields.Date(compute="_compute_dates", store=True)
    date_to = fields.Date(compute="_compute_dates", store=True)
    state = fields.Selection(
        selection=[("draft", "Draft"), ("approved", "Approved")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    figures = fields.Json(string="Figures snapshot", readonly=True, copy=False)
    figures_html = fields.Html(string="Figures", readonly=True, sanitize=False, copy=False)
    figures_date = fields.Datetime(string="Figures computed on", readonly=True, copy=False)
    complaint_count = fields.Integer(readonly=True, copy=False)
    record_count = fields.Integer(string="Records", readonly=True, copy=False)
    analysis = fields.Html(
        help="What the figures say: trends, causes, what was improved, what will be.",
    )
    approver_id = fields.Many2one(
        comodel_name="res.users", string="Approved by", readonly=True, copy=False, tracking=True
    )
    approval_date = fields.Date(string="Approved on", readonly=True, copy=False, tracking=True)

    _sql_constraints = [
        (
            "company_year_uniq",
            "unique(company_id, year)",
            "There is already an annual review for this year and company.",
        )
    ]

    @api.depends("year", "company_id")
    def _compute_name(self):
        for review in self:
            review.name = self.env._(
                "Annual review %(year)s - %(company)s",
                year=review.year,
                company=review.company_id.name or "",
            )

    @api.depends("year")
    def _compute_dates(self):
        for review in self:
            if review.year:
                review.date_from = datetime.date(review.year, 1, 1)
                review.date_to = datetime.date(review.year, 12, 31)
            else:
                review.date_from = review.date_to = False

    @api.constrains("year")
    def _check_year(self):
        this_year = fields.Date.context_today(self).year
        for review in self:
            if not 2000 <= review.year <= this_year:
                raise ValidationError(
                    self.env._(
                        "The year of an annual review must be between 2000 and %(year)s.",
                        year=this_year,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self.browse()._check_server_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        self._check_server_fields(vals)
        locked = set(vals) - {"message_main_attachment_id", "activity_ids"}
        if locked:
            approved = self.filtered(lambda review: review.state == "approved")
            if approved:
                raise UserError(
                    self.env._(
                        "%(review)s is approved: it cannot be changed any more. Reset "
                        "it to draft first (Qualiopi manager).",
                        review=", ".join(approved.mapped("name")),
                    )
                )
        return super().write(vals)

    def _check_server_fields(self, vals):
        # The form sends the state it shows: an unchanged state changes nothing.
        forced = [
            fname
            for fname in SERVER_FIELDS
            if fname in vals
            and not (
                fname == "state"
                and all(state == vals["state"] for state in (self.mapped("state") or ["draft"]))
            )
        ]
        if forced:
            raise AccessError(
                self.env._(
                    "%(fields)s of an annual review are set by the application: the "
                    "figures by 'Compute figures', the approval by a Qualiopi manager.",
                    fields=", ".join(
                        self._fields[fname].get_description(self.env)["string"] for fname in forced
                    ),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(review.state == "approved" for review in self):
            raise UserError(self.env._("An approved annual review cannot be deleted."))

    def action_compute_figures(self):
        self.check_access("write")
        for review in self:
            if review.state != "draft":
                raise UserError(self.env._("The figures of an approved review are frozen."))
            wizard = self.env["qualiopi.indicator31.report"]._qualiopi_for(review)
            figures = wizard._qualiopi_figures()
            html = self.env[
                "report.qualiopi_reclamation.report_indicator31"
            ]._qualiopi_figures_html(wizard, figures)
            # The snapshot as plain JSON: dates (and whatever other addons
            # add) become strings.
            figures = json.loads(json.dumps(figures, default=str))
            # Figures and approval are the application's to write (read-only
            # fields); the user's write access was checked above.
            review.sudo().write(
                {
                    "figures": figures,
                    "figures_html": html,
                    "figures_date": fields.Datetime.now(),
                    "complaint_count": figures["complaint_count"],
                    "record_count": figures["total"],
                }
            )
        return True

    def action_approve(self):
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(self.env._("Only a Qualiopi manager can approve the annual review."))
        self.check_access("write")
        for review in self:
            if review.state != "draft":
                raise UserError(self.env._("%(review)s is already approved.", review=review.name))
            if not review.figures:
                raise UserError(
                    self.env._(
                        "Compute the figures of %(review)s before approving it.",
                        review=review.name,
                    )
                )
            if not (review.analysis and review.analysis.striptags().strip()):
                raise UserError(
                    self.env._(
                        "Write the analysis of %(review)s before approving it.",
                        review=review.name,
                    )
                )
            # Figures and approval are the application's to write (read-only
            # fields); the user's write access was checked above.
            review.sudo().write(
                {
                    "state": "approved",
                    "approver_id": self.env.user.id,
                    "approval_date": fields.Date.context_today(self),
                }
            )
        return True

    def action_reset_draft(self):
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(self.env._("Only a Qualiopi manager can reset an annual review."))
        self.check_access("write")
        # Read-only fields, reset after the manager's right was checked.
        self.sudo().write({"state": "draft", "approver_id": False, "approval_date": False})
        return True

    def action_print(self):
        return self.env.ref("qualiopi_reclamation.report_qualiopi_annual_review").report_action(
            self
        )
