from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

# Fields whose change makes a new version of the procedure.
VERSIONED_FIELDS = ("introduction", "public_note")


class QualiopiProcedure(models.Model):
    """The written procedure for handling complaints, difficulties and hazards,
    one per company. The rest of the procedure (channels, deadlines, who
    handles what, mediator, surveys) is written from the configuration; the
    texts here are versioned: each change keeps the previous text, with its
    version number, date and author."""

    _name = "qualiopi.procedure"
    _description = "Qualiopi Procedure"
    _inherit = ["mail.thread"]
    _qualiopi_evidence = True
    _rec_name = "company_id"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
    )
    introduction = fields.Html(
        help="The organisation's own words, printed at the top of the procedure "
        "in the audit report and on the public page.",
    )
    public_note = fields.Html(
        string="Note to stakeholders",
        help="Printed on the public procedure page, e.g. for the welcome booklet.",
    )
    version = fields.Integer(default=1, readonly=True, tracking=True, copy=False)
    version_date = fields.Date(
        string="Version date",
        default=fields.Date.context_today,
        readonly=True,
        tracking=True,
        copy=False,
    )
    version_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Version author",
        default=lambda self: self._qualiopi_default_author(self.env.company),
        readonly=True,
        copy=False,
    )
    change_note = fields.Char(
        string="What changed",
        help="Say what changed in this version: it is kept in the history.",
    )
    version_ids = fields.One2many(
        comodel_name="qualiopi.procedure.version",
        inverse_name="procedure_id",
        string="Previous versions",
        readonly=True,
    )

    _sql_constraints = [
        (
            "company_uniq",
            "unique(company_id)",
            "A company has one Qualiopi procedure.",
        )
    ]

    @api.model
    def _qualiopi_default_author(self, company):
        """The person who answers for a version: the user who writes it, when
        a person does; else (a version written at installation, by OdooBot,
        or first shown to a visitor) the company's Qualiopi manager, else the
        administrator: never OdooBot nor the public user."""
        user = self.env.user
        if user.id != SUPERUSER_ID and not user.share and user.active:
            return user
        group = self.env.ref("qualiopi_reclamation.group_qualiopi_manager")
        # Superuser: who the company's managers are, to name the author.
        manager = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", group.ids),
                    ("company_ids", "in", company.ids),
                    ("share", "=", False),
                    ("id", "!=", SUPERUSER_ID),
                ],
                order="id",
                limit=1,
            )
        )
        return manager or self.env.ref("base.user_admin", raise_if_not_found=False) or user

    @api.model
    def _qualiopi_for_company(self, company):
        """The company's procedure, created with its default text if missing."""
        # One procedure per company, read by anyone who may see the public page
        # or the register (the company was checked by the caller).
        procedure = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not procedure:
            procedure = self.sudo().create(
                {
                    "company_id": company.id,
                    "introduction": self._qualiopi_default_introduction(company),
                    "version_user_id": self._qualiopi_default_author(company).id,
                }
            )
        return procedure

    @api.model
    def _qualiopi_default_introduction(self, company):
        # The company's name goes into HTML as text.
        return Markup(
            self.env._(
                "<p>%(company)s records every complaint, difficulty and hazard raised by "
                "its stakeholders (trainees, client companies, funders, trainers, "
                "subcontractors and staff), acknowledges complaints in writing, answers "
                "them within a committed deadline, analyses their causes and turns them "
                "into improvement actions.</p>"
            )
        ) % {"company": company.name}

    def write(self, vals):
        changed = [fname for fname in VERSIONED_FIELDS if fname in vals]
        if changed:
            # The version is written as superuser: the user's right first.
            self.check_access("write")
            for procedure in self:
                if all(procedure[fname] == vals[fname] for fname in changed):
                    continue
                self.env["qualiopi.procedure.version"].sudo().create(
                    {
                        "procedure_id": procedure.id,
                        "version": procedure.version,
                        "version_date": procedure.version_date,
                        "user_id": procedure.version_user_id.id,
                        "introduction": procedure.introduction,
                        "public_note": procedure.public_note,
                        "change_note": procedure.change_note,
                    }
                )
                super(QualiopiProcedure, procedure).write(
                    {
                        "version": procedure.version + 1,
                        "version_date": fields.Date.context_today(self),
                        "version_user_id": self._qualiopi_default_author(procedure.company_id).id,
                        "change_note": vals.get("change_note", False),
                    }
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_versioned(self):
        if self.version_ids:
            raise UserError(
                self.env._(
                    "The procedure has a history of versions, which is evidence for "
                    "the audit: it cannot be deleted."
                )
            )

    def _qualiopi_procedure_data(self):
        """The procedure as applied, written from the configuration.

        Other addons extend it with ``super()``: the mediation addon adds
        ``mediator``, the survey addon ``surveys``.
        """
        self.ensure_one()
        company = self.company_id
        # The procedure describes the configuration to its readers (visitors,
        # auditors), who may not read the channels and teams themselves.
        # "Other" is a catch-all of the helpdesk, not a way to reach us.
        other = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_other", raise_if_not_found=False
        )
        channels = (
            self.env["helpdesk.ticket.channel"]
            .sudo()
            .search(
                [("company_id", "in", [company.id, False]), ("id", "!=", other.id if other else 0)],
                order="sequence, id",
            )
        )
        # Only the teams that handle Qualiopi records: the public form's, those
        # whose alias files Qualiopi records, those that hold some.
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        teams = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .search(
                [
                    ("company_id", "in", [company.id, False]),
                    "|",
                    "|",
                    ("id", "=", company.qualiopi_public_team_id.id),
                    ("qualiopi_default_nature", "!=", False),
                    (
                        "id",
                        "in",
                        Ticket._search(
                            [("qualiopi_nature", "!=", False), ("company_id", "=", company.id)]
                        ).subselect("team_id"),
                    ),
                ],
                order="sequence, id",
            )
        )
        calendar = company.resource_calendar_id
        return {
            "procedure": self,
            "company": company,
            "channels": [
                {"name": channel.name, "oral": channel.qualiopi_is_oral} for channel in channels
            ],
            "teams": [
                {
                    "name": team.name,
                    "leader": team.user_id.name or "",
                    "members": ", ".join(team.user_ids.mapped("name")),
                }
                for team in teams
            ],
            "ack_days": company.qualiopi_ack_days,
            "response_days": company.qualiopi_response_days,
            "auto_ack": company.qualiopi_auto_ack,
            "recurrence_days": company.qualiopi_recurrence_days,
            "calendar": calendar.name or "",
            "public_url": f"/qualiopi/procedure?company_id={company.id}",
        }

    def action_print_public(self):
        return self.env.ref("qualiopi_reclamation.report_qualiopi_procedure").report_action(self)

    def action_open_public_page(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/qualiopi/procedure?company_id={self.company_id.id}",
            "target": "new",
        }

    @api.model
    def action_open_company_procedure(self):
        """Menu entry: the current company's procedure."""
        procedure = self._qualiopi_for_company(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Procedure"),
            "res_model": self._name,
            "res_id": procedure.id,
            "view_mode": "form",
            "target": "current",
        }
