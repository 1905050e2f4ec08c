from odoo import fields, models
from odoo.tools import SQL


class QualiopiIndicator31Stat(models.Model):
    """One row per Qualiopi record, with its delays and shares ready to be
    aggregated by the dashboard's graph and pivot views.

    The ``*_pct`` columns are 100 (yes), 0 (no) or empty (not applicable), so
    that their average is the share over the records where they apply."""

    _name = "qualiopi.indicator31.stat"
    _description = "Qualiopi Indicator 31 Statistics"
    _auto = False
    _order = "received_date desc"

    ticket_id = fields.Many2one("helpdesk.ticket", string="Qualiopi record", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    received_date = fields.Datetime(string="Received on", readonly=True)
    qualiopi_nature = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["qualiopi_nature"].selection,
        string="Nature",
        readonly=True,
    )
    stakeholder_type = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["stakeholder_type"].selection,
        readonly=True,
    )
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    cause_category_id = fields.Many2one(
        "qualiopi.cause.category", string="Cause category", readonly=True
    )
    event_id = fields.Many2one("event.event", string="Session", readonly=True)
    event_type_id = fields.Many2one("event.type", string="Course", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    qualiopi_status = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["qualiopi_status"].selection,
        string="Status",
        readonly=True,
    )
    is_founded = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["is_founded"].selection,
        string="Founded",
        readonly=True,
    )
    record_count = fields.Integer(string="Records", readonly=True, aggregator="sum")
    recurrent_count = fields.Integer(string="Recurrent", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(string="Overdue now", readonly=True, aggregator="sum")
    ack_days = fields.Float(string="Acknowledgement time (days)", readonly=True, aggregator="avg")
    response_days = fields.Float(string="Answer time (days)", readonly=True, aggregator="avg")
    ack_on_time_pct = fields.Float(
        string="Acknowledged on time (%)", readonly=True, aggregator="avg"
    )
    response_on_time_pct = fields.Float(
        string="Answered on time (%)", readonly=True, aggregator="avg"
    )
    founded_pct = fields.Float(
        string="Founded or partly founded (%)", readonly=True, aggregator="avg"
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.company_id,
                   t.received_date,
                   t.qualiopi_nature,
                   t.stakeholder_type,
                   t.channel_id,
                   t.cause_category_id,
                   t.event_id,
                   t.event_type_id,
                   t.team_id,
                   t.user_id,
                   t.qualiopi_status,
                   t.is_founded,
                   1 AS record_count,
                   CASE WHEN t.is_recurrent THEN 1 ELSE 0 END AS recurrent_count,
                   CASE WHEN NOT COALESCE(s.closed, FALSE) AND (
                            (t.ack_date IS NULL AND t.ack_deadline < (now() AT TIME ZONE 'UTC'))
                         OR (t.response_date IS NULL
                             AND t.response_deadline < (now() AT TIME ZONE 'UTC')))
                        THEN 1 ELSE 0 END AS overdue_count,
                   EXTRACT(EPOCH FROM (t.ack_date - t.received_date)) / 86400.0 AS ack_days,
                   EXTRACT(EPOCH FROM (t.response_date - t.received_date)) / 86400.0
                       AS response_days,
                   CASE WHEN t.ack_deadline IS NULL THEN NULL
                        WHEN t.ack_date <= t.ack_deadline THEN 100.0
                        WHEN t.ack_date IS NOT NULL
                          OR t.ack_deadline < (now() AT TIME ZONE 'UTC') THEN 0.0
                   END AS ack_on_time_pct,
                   CASE WHEN t.response_deadline IS NULL THEN NULL
                        WHEN t.response_date <= t.response_deadline THEN 100.0
                        WHEN t.response_date IS NOT NULL
                          OR t.response_deadline < (now() AT TIME ZONE 'UTC') THEN 0.0
                   END AS response_on_time_pct,
                   CASE WHEN t.is_founded IN ('founded', 'partly') THEN 100.0
                        WHEN t.is_founded = 'unfounded' THEN 0.0
                   END AS founded_pct
              FROM helpdesk_ticket t
              LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE t.qualiopi_nature IS NOT NULL
            """
        )
