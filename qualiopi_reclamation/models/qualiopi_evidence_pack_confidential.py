from odoo import models


class QualiopiEvidencePack(models.Model):
    """Confidential cases stay out of the evidence pack's session folders:
    their messages (.eml) and letters name the complainant and tell the
    facts. The pack's report and workbook show them as anonymised lines; the
    index says how many were left out, and that the referent holds them."""

    _inherit = "qualiopi.evidence.pack"

    def _qualiopi_pack_sessions(self, wizard):
        result = []
        for folder, event, tickets in super()._qualiopi_pack_sessions(wizard):
            tickets = tickets.filtered(lambda t: not t.qualiopi_confidential)
            # A sampled session keeps its folder; another one exists only for
            # its records: a folder left empty would tell which session had
            # confidential cases. Numbered again, without gaps.
            if tickets or event in self.event_ids:
                name = folder.rpartition("/")[2].partition("-")[2]
                result.append((f"04-sessions/{len(result) + 1:03d}-{name}", event, tickets))
        return result

    def _qualiopi_write_sessions(self, builder, wizard):
        result = super()._qualiopi_write_sessions(builder, wizard)
        ReportModel = self.env["report.qualiopi_reclamation.report_indicator31"]
        if self.event_ids:
            domain = [
                ("qualiopi_nature", "!=", False),
                ("company_id", "=", self.company_id.id),
                ("event_id", "in", self.event_ids.ids),
            ]
        else:
            domain = ReportModel._qualiopi_ticket_domain(wizard)
        count = ReportModel._qualiopi_tickets_env().search_count(
            [*domain, ("qualiopi_confidential", "=", True)]
        )
        if count:
            builder.note(
                self.env._("Confidential cases"),
                self.env._(
                    "%(count)s confidential case(s) are not in the session folders: "
                    "the register shows them as anonymised lines; their evidence is "
                    "kept by the confidential referent and shown to the auditor on "
                    "request.",
                    count=count,
                ),
            )
        return result
