from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class QualiopiIndicator31Report(models.TransientModel):
    """The options of the indicator-31 audit report: period, company, sample,
    stakeholder type and language. It validates them and prints; the data is
    gathered by the report models ``report.qualiopi_reclamation.
    report_indicator31`` (PDF) and ``..._xlsx`` (workbook)."""

    _name = "qualiopi.indicator31.report"
    _description = "Qualiopi Indicator 31 Audit Report"
    _check_company_auto = True

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    event_ids = fields.Many2many(
        comodel_name="event.event",
        string="Sampled sessions",
        check_company=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="The sessions the auditor sampled: the figures, the register and the "
        "actions are limited to their records, and each gets its own section. "
        "Empty: every record of the period.",
    )
    stakeholder_type = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["stakeholder_type"].selection,
        string="Stakeholder type",
        help="Limit the report to the records raised by one type of stakeholder.",
    )
    lang = fields.Selection(
        selection="_get_lang_selection",
        string="Language",
        default=lambda self: self.env.company.partner_id.lang or self.env.lang,
        help="The language the report is printed in (by default the organisation's).",
    )
    summary_html = fields.Html(string="Summary", compute="_compute_summary_html", sanitize=False)

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.depends("date_from", "date_to", "company_id", "event_ids", "stakeholder_type")
    def _compute_summary_html(self):
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        for wizard in self:
            if not (
                wizard.date_from
                and wizard.date_to
                and wizard.company_id
                and wizard.date_from <= wizard.date_to
            ):
                wizard.summary_html = False
                continue
            wizard.summary_html = Report._qualiopi_figures_html(wizard)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(
                    self.env._(
                        "The period of the report starts on %(start)s, after its end on %(end)s.",
                        start=format_date(self.env, wizard.date_from),
                        end=format_date(self.env, wizard.date_to),
                    )
                )

    @api.model
    def _qualiopi_for(self, record):
        """The report of ``record``'s period and company, and of its sample
        when it has one (an annual review, an evidence pack)."""
        record.ensure_one()
        values = {
            "date_from": record.date_from,
            "date_to": record.date_to,
            "company_id": record.company_id.id,
        }
        if "event_ids" in record._fields:
            values["event_ids"] = [fields.Command.set(record.event_ids.ids)]
        return self.create(values)

    def _qualiopi_print(self, report_xmlid):
        self.ensure_one()
        # Refused here rather than in a failed download.
        self.env["report.qualiopi_reclamation.report_indicator31"]._qualiopi_check_access(self)
        report = self.env.ref(report_xmlid).with_context(lang=self.lang or self.env.lang)
        return report.report_action(self)

    def action_print_pdf(self):
        return self._qualiopi_print("qualiopi_reclamation.report_indicator31")

    def action_export_xlsx(self):
        return self._qualiopi_print("qualiopi_reclamation.report_indicator31_xlsx")

    def _qualiopi_figures(self):
        """The figures of the period (the wizard's summary, the annual review)."""
        self.ensure_one()
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        Report._qualiopi_check_access(self)
        return Report._qualiopi_figures(self)

    def _qualiopi_pdf_stamp(self):
        """The foot of every page of the PDF, in the report's language: the
        organisation, the period, the generation date, and "x / y"."""
        self.ensure_one()
        env = self.with_context(lang=self.lang or self.env.lang).env
        tz = self.company_id._qualiopi_tz()
        today = fields.Date.context_today(self.with_context(tz=tz))
        values = {
            "company": self.company_id.name,
            "date_from": format_date(env, self.date_from),
            "date_to": format_date(env, self.date_to),
            "today": format_date(env, today),
        }
        # The indicator's number in the standard in force on the print date.
        number = env["qualiopi.standard.version"]._qualiopi_indicator_number("complaints", today)
        if number:
            left = env._(
                "%(company)s — indicator %(number)s audit report, %(date_from)s to "
                "%(date_to)s — generated on %(today)s",
                number=number,
                **values,
            )
        else:
            left = env._(
                "%(company)s — Qualiopi audit report, %(date_from)s to %(date_to)s — "
                "generated on %(today)s",
                **values,
            )
        return left, env._("Page %(page)s / %(pages)s")

    def _qualiopi_file_name(self):
        self.ensure_one()
        date_from = fields.Date.to_string(self.date_from)
        date_to = fields.Date.to_string(self.date_to)
        return f"qualiopi-indicator31-{date_from}-{date_to}"
