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
    # Pending writes on these fields are flushed before the view is read.
    _depends = {
        "helpdesk.ticket": [
            "company_id",
            "received_date",
            "qualiopi_nature",
            "stakeholder_type",
            "channel_id",
            "qualiopi_cause_category_id",
            "event_id",
            "event_type_id",
            "team_id",
            "user_id",
            "stage_id",
            "qualiopi_status",
            "qualiopi_founded",
            "qualiopi_recurrent",
            "ack_date",
            "ack_deadline",
            "response_date",
            "response_deadline",
            "qualiopi_confidential",
        ],
        "helpdesk.ticket.stage": ["closed"],
    }

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
    qualiopi_cause_category_id = fields.Many2one(
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
    qualiopi_founded = fields.Selection(
        selection=lambda self: self.env["helpdesk.ticket"]._fields["qualiopi_founded"].selection,
        string="Founded",
        readonly=True,
    )
    record_count = fields.Integer(string="Records", readonly=True, aggregator="sum")
    recurrent_count = fields.Integer(string="Recurrent", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(string="Overdue now", readonly=True, aggregator="sum")
    open_count = fields.Integer(string="Open now", readonly=True, aggregator="sum")
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
        now = fields.Datetime.now()
        # A confidential case is counted, but its row names no record, session,
        # stakeholder, channel, cause, team nor owner: the dashboard is read by
        # every Qualiopi user and the auditor.
        # Overdue as the register defines it, turned into SQL by the ORM. Every
        # record, whatever the reader may see: the rows the reader gets are
        # filtered by this model's own rules, this only classifies them.
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        overdue = Ticket._search(Ticket._qualiopi_overdue_domain(now)).subselect()
        return SQL(
            """
            SELECT t.id AS id,
                   CASE WHEN t.qualiopi_confidential THEN NULL ELSE t.id END AS ticket_id,
                   t.company_id,
                   t.received_date,
                   t.qualiopi_nature,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.stakeholder_type END AS stakeholder_type,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.channel_id END AS channel_id,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.qualiopi_cause_category_id END AS qualiopi_cause_category_id,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.event_id END AS event_id,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.event_type_id END AS event_type_id,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.team_id END AS team_id,
                   CASE WHEN t.qualiopi_confidential THEN NULL
                        ELSE t.user_id END AS user_id,
                   t.qualiopi_status,
                   t.qualiopi_founded,
                   1 AS record_count,
                   CASE WHEN t.qualiopi_recurrent THEN 1 ELSE 0 END AS recurrent_count,
                   CASE WHEN t.id IN (%(overdue)s) THEN 1 ELSE 0 END AS overdue_count,
                   CASE WHEN stage.closed THEN 0 ELSE 1 END AS open_count,
                   EXTRACT(EPOCH FROM (t.ack_date - t.received_date)) / 86400.0 AS ack_days,
                   EXTRACT(EPOCH FROM (t.response_date - t.received_date)) / 86400.0
                       AS response_days,
                   CASE WHEN t.ack_deadline IS NULL THEN NULL
                        WHEN t.ack_date <= t.ack_deadline THEN 100.0
                        WHEN t.ack_date IS NOT NULL
                          OR t.ack_deadline < %(now)s THEN 0.0
                   END AS ack_on_time_pct,
                   CASE WHEN t.response_deadline IS NULL THEN NULL
                        WHEN t.response_date <= t.response_deadline THEN 100.0
                        WHEN t.response_date IS NOT NULL
                          OR t.response_deadline < %(now)s THEN 0.0
                   END AS response_on_time_pct,
                   CASE WHEN t.qualiopi_founded IN ('founded', 'partly') THEN 100.0
                        WHEN t.qualiopi_founded = 'unfounded' THEN 0.0
                   END AS founded_pct
              FROM helpdesk_ticket t
              LEFT JOIN helpdesk_ticket_stage stage ON stage.id = t.stage_id
             WHERE t.qualiopi_nature IS NOT NULL
            """,
            overdue=overdue,
            now=now,
        )
