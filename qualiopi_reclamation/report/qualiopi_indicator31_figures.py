"""The figures of the indicator-31 report that scan the period's records:
each written so that the register is read once, whatever the number of
breakdowns or counts (see ``report.qualiopi_reclamation.report_indicator31``)."""

from odoo import fields
from odoo.tools import SQL


def breakdowns(tickets_env, domain, field_names):
    """{field: [{key, label, count}]} for each of ``field_names``, largest
    count first, from one scan of the records: the figures must not read the
    register once per breakdown. The records are counted by their
    combination of values (a few hundred at most), summed here per field:
    one grouping, where GROUPING SETS hashed each record once per field."""
    Ticket = tickets_env
    env = Ticket.env
    query = Ticket._search(domain)
    columns = [Ticket._field_to_sql(query.table, fname, query) for fname in field_names]
    rows = env.execute_query(
        SQL(
            "SELECT %s, COUNT(*) FROM %s WHERE %s GROUP BY %s",
            SQL(", ").join(columns),
            query.from_clause,
            query.where_clause or SQL("TRUE"),
            SQL(", ").join(columns),
        )
    )
    sums = {fname: {} for fname in field_names}
    for *values, count in rows:
        for fname, value in zip(field_names, values, strict=True):
            sums[fname][value] = sums[fname].get(value, 0) + count
    counts = {fname: list(sums[fname].items()) for fname in field_names}
    result = {}
    for fname in field_names:
        field = Ticket._fields[fname]
        if field.type == "many2one":
            comodel = env[field.comodel_name].with_context(active_test=False)
            names = {
                record.id: record.display_name
                for record in comodel.browse([v for v, _c in counts[fname] if v])
            }
        else:
            names = dict(field._description_selection(env))
        lines = [
            {
                "key": value or False,
                "label": names.get(value) or env._("Not set"),
                "count": count,
            }
            for value, count in counts[fname]
        ]
        lines.sort(key=lambda line: (-line["count"], line["label"]))
        result[fname] = lines
    return result


def period_counts(tickets_env, domain, counted=None, business_days=None):
    """The milestones' delays (median and mean, in business days of each
    record's calendar: ``business_days``, a BusinessDays) and shares, the
    records overdue now and the recurrent ones, and the records matching each domain of ``counted``
    ({key: domain}, counted under its key), in one scan of the records.

    A record counts in a milestone's share once it is due: its deadline
    has passed or the milestone is done; it is on time when done by the
    deadline. The acknowledgement is a complaint's only."""
    Ticket = tickets_env
    env = Ticket.env
    query = Ticket._search(domain)
    table = query.table
    now = fields.Datetime.now()
    overdue = Ticket._search(Ticket._qualiopi_overdue_domain(now))
    received = SQL.identifier(table, "received_date")
    complaint = SQL("%s = 'complaint'", SQL.identifier(table, "qualiopi_nature"))
    milestones = (
        ("ack", "ack_date", "ack_deadline", complaint),
        ("response", "response_date", "response_deadline", SQL("TRUE")),
    )
    aggregates = []
    for _key, date_field, deadline_field, scope in milestones:
        date, deadline = (
            SQL.identifier(table, date_field),
            SQL.identifier(table, deadline_field),
        )
        delay = business_days.sql_count(SQL.identifier(table, "team_id"), received, date)
        aggregates += [
            SQL(
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)"
                " FILTER (WHERE %s AND %s IS NOT NULL)",
                delay,
                scope,
                date,
            ),
            SQL("AVG(%s) FILTER (WHERE %s AND %s IS NOT NULL)", delay, scope, date),
            SQL("COUNT(*) FILTER (WHERE %s AND %s IS NOT NULL)", scope, deadline),
            SQL("COUNT(*) FILTER (WHERE %s AND %s IS NOT NULL)", scope, date),
            SQL(
                "COUNT(*) FILTER (WHERE %s AND %s IS NOT NULL AND (%s IS NOT NULL OR %s < %s))",
                scope,
                deadline,
                date,
                deadline,
                now,
            ),
            SQL(
                "COUNT(*) FILTER (WHERE %s AND %s IS NOT NULL AND %s <= %s)",
                scope,
                deadline,
                date,
                deadline,
            ),
        ]
    aggregates += [
        # The one definition of overdue (its own query's conditions, on
        # the same table alias).
        SQL("COUNT(*) FILTER (WHERE %s)", overdue.where_clause),
        SQL("COUNT(*) FILTER (WHERE %s)", SQL.identifier(table, "qualiopi_recurrent")),
    ]
    counted = counted or {}
    # Each domain's conditions on the same table alias, as for overdue.
    aggregates += [
        SQL("COUNT(*) FILTER (WHERE %s)", Ticket._search(extra).where_clause)
        for extra in counted.values()
    ]
    [row] = env.execute_query(query.select(*aggregates))
    width = 6
    base = len(milestones) * width
    result = {"overdue_now": row[base], "recurrent": row[base + 1]}
    result.update(zip(counted, row[base + 2 :], strict=True))
    for index, (key, *_rest) in enumerate(milestones):
        median, mean, expected, done, due, on_time = row[index * width : (index + 1) * width]
        result[key] = {
            "expected": expected,
            "done": done,
            "due": due,
            "on_time": on_time,
            "late": due - on_time,
            "median_days": round(float(median), 1) if median is not None else None,
            "mean_days": round(float(mean), 1) if mean is not None else None,
            "share_on_time": round(100.0 * on_time / due, 1) if due else None,
        }
    return result
