from odoo import api, models


class ReportIndicator31(models.AbstractModel):
    """The report's section on sessions delivered with a partner organisation:
    per hiring organisation or subcontractor, its sessions of the period and
    their records (by nature, open, late)."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_sections(self, wizard):
        sections = super()._qualiopi_sections(wizard)
        sections["document"].append(
            {
                "name": "subcontracting",
                "template": "qualiopi_reclamation.indicator31_section_subcontract",
            }
        )
        return sections

    @api.model
    def _qualiopi_report_data(self, wizard):
        data = super()._qualiopi_report_data(wizard)
        data["subcontracting"] = self._qualiopi_subcontract_data(wizard)
        return data

    @api.model
    def _qualiopi_subcontract_data(self, wizard):
        """[{organisation, sessions: [{event, counts, total, open, late,
        numbers}], total, open, late}], by organisation name: the sessions
        with a partner organisation held in the period (or in the sample) and
        those with records of the period, with the period's records."""
        # Read as superuser like the register: _qualiopi_check_access ran first.
        Event = self.env["event.event"].sudo().with_context(active_test=False)
        Ticket = self._qualiopi_tickets_env()
        start, stop = self._qualiopi_bounds(wizard)
        partnered = [("qualiopi_delivery_mode", "in", ["hiring", "subcontracted"])]
        ticket_domain = self._qualiopi_ticket_domain(wizard) + [("event_id", "any", partnered)]
        event_domain = [("company_id", "=", wizard.company_id.id), *partnered]
        if wizard.event_ids:
            event_domain.append(("id", "in", wizard.event_ids.ids))
        else:
            event_domain += [("date_begin", "<", stop), ("date_end", ">=", start)]
        by_nature = Ticket._read_group(ticket_domain, ["event_id", "qualiopi_nature"], ["__count"])
        numbers = dict(Ticket._read_group(ticket_domain, ["event_id"], ["number:array_agg"]))
        open_counts = dict(
            Ticket._read_group(
                ticket_domain + [("qualiopi_status", "!=", "closed")], ["event_id"], ["__count"]
            )
        )
        late_counts = dict(
            Ticket._read_group(
                ticket_domain + [("is_overdue", "=", True)], ["event_id"], ["__count"]
            )
        )
        events = Event.search(event_domain) | Event.browse([event.id for event in numbers])
        counts = {}
        for event, nature, count in by_nature:
            counts.setdefault(event, {})[nature] = count
        organisations = {}
        for event in events.sorted(lambda e: (e.date_begin, e.id)):
            session = {
                "event": event,
                "counts": counts.get(event, {}),
                "total": sum(counts.get(event, {}).values()),
                "open": open_counts.get(event, 0),
                "late": late_counts.get(event, 0),
                "numbers": sorted(number for number in numbers.get(event, []) if number),
            }
            entry = organisations.setdefault(
                event.qualiopi_partner_organisation_id,
                {"organisation": event.qualiopi_partner_organisation_id, "sessions": []},
            )
            entry["sessions"].append(session)
        result = sorted(
            organisations.values(), key=lambda entry: (entry["organisation"].name or "").lower()
        )
        for entry in result:
            for key in ("total", "open", "late"):
                entry[key] = sum(session[key] for session in entry["sessions"])
        return result
