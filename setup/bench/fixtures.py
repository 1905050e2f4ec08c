# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Data the sections build: contacts, tickets, a register of the report's
period, and ``copy_rows``, the one way to a big table (SQL copies of rows the
ORM wrote, so that every stored field is right)."""

from datetime import datetime, timedelta

from qualiopi_fields import renamed

NO_MAIL = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}


def quiet(env, **context):
    """``env`` without mail tracking nor notifications."""
    return env(context=dict(env.context, **NO_MAIL, **context))


def disable_auto_ack(env):
    company = env.company
    if "qualiopi_auto_ack" in company._fields:
        company.qualiopi_auto_ack = False


def partners(env, count, email, label="trainee"):
    return env["res.partner"].create(
        [
            {
                "name": f"Bench {label} {i}",
                "email": f"bench.{label}.{i}@example.com" if email else False,
            }
            for i in range(count)
        ]
    )


def ticket_vals(index, partner, qualiopi):
    vals = {
        "name": f"Bench ticket {index}",
        "description": f"<p>Bench ticket {index}: the room was cold.</p>",
        "partner_id": partner.id,
    }
    if qualiopi:
        vals.update(
            {
                "qualiopi_nature": "complaint",
                "stakeholder_type": "trainee",
                # Received now: a record received before the day it is entered
                # (an import) is not acknowledged automatically.
                "received_date": datetime.now().replace(microsecond=0),
            }
        )
    return vals


def closed_stage(env):
    return env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)


def copy_rows(env, table, ids, copies=1, computed=None, params=None):
    """Insert ``copies`` copies of the rows ``ids`` of ``table``.

    Every column is copied but ``id`` and those of ``computed``, a dict
    {column: SQL expression} where ``src`` is the row copied and ``g`` the
    copy's number (0 to copies - 1), with ``params`` as named parameters
    (a literal % is written %%). The table is analysed afterwards."""
    cr = env.cr
    computed = computed or {}
    env.flush_all()
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s
           AND column_name != 'id' AND NOT column_name = ANY(%s)
         ORDER BY ordinal_position
        """,
        (table, list(computed)),
    )
    copied = [row[0] for row in cr.fetchall()]
    names = ", ".join(f'"{column}"' for column in [*copied, *computed])
    values = ", ".join([*(f'src."{column}"' for column in copied), *computed.values()])
    # At most 100 copies per statement: a big table grows in steps.
    for first in range(0, copies, 100):
        cr.execute(
            f"""
            INSERT INTO "{table}" ({names})
            SELECT {values}
              FROM "{table}" src, generate_series(%(first)s, %(last)s) g
             WHERE src.id = ANY(%(ids)s)
             ORDER BY g, src.id
            """,  # noqa: S608 (names from the catalog and the caller's code)
            {
                **(params or {}),
                "ids": list(ids),
                "first": first,
                "last": min(first + 100, copies) - 1,
            },
        )
    cr.execute(f'ANALYZE "{table}"')
    env.invalidate_all()


def report_register(env, count, start):
    """``count`` Qualiopi records received from ``start`` on, of every nature,
    channel, cause, stakeholder and outcome, with actions; one session per 20
    records, as a bigger register comes from more sessions, not from bigger
    ones. Returns the tickets and the sessions."""
    from freezegun import freeze_time

    env = quiet(env, qualiopi_no_auto_ack=True)
    Ticket = env["helpdesk.ticket"]
    sessions = max(count // 20, 3)
    contacts = partners(env, 50, email=False)
    channels = env["helpdesk.ticket.channel"].search([])
    causes = env["qualiopi.cause.category"].search([])
    events = env["event.event"].create(
        [
            {
                "name": f"Bench report session {i}",
                "date_begin": start + timedelta(days=i % 300),
                "date_end": start + timedelta(days=i % 300 + 2),
                "event_mail_ids": [(5, 0, 0)],
            }
            for i in range(sessions)
        ]
    )
    natures = ["complaint", "complaint", "complaint", "difficulty", "hazard"]
    stakeholders = ["trainee", "client", "funder", "trainer", "staff", "other"]
    founded = ["founded", "partly", "unfounded", False]
    vals_list = []
    for i in range(count):
        received = start + timedelta(hours=7 * i % (24 * 300))
        vals = {
            "name": f"Report bench {i}",
            "description": "<p>Bench.</p>",
            "partner_id": contacts[i % 50].id,
            "qualiopi_nature": natures[i % 5],
            "stakeholder_type": stakeholders[i % 6],
            "channel_id": channels[i % len(channels)].id,
            "event_id": events[i % sessions].id,
            "received_date": received,
            **renamed(
                Ticket,
                {
                    "is_founded": founded[i % 4],
                    "cause_category_id": causes[i % len(causes)].id if i % 7 else False,
                },
            ),
        }
        if i % 3:
            vals["ack_date"] = received + timedelta(hours=6 + i % 90)
        if i % 4:
            vals["response_date"] = received + timedelta(days=1 + i % 17)
        vals_list.append(vals)
    with freeze_time(start + timedelta(days=330)):
        tickets = Ticket.browse()
        for chunk in range(0, count, 500):
            tickets |= Ticket.create(vals_list[chunk : chunk + 500])
        env["qualiopi.improvement.action"].create(
            [
                {
                    "name": f"Bench action {i}",
                    "ticket_ids": [(6, 0, tickets[i * 10 : i * 10 + 3].ids)],
                    "date_deadline": start + timedelta(days=60 + i),
                }
                for i in range(min(count // 10, 100))
            ]
        )
    env.flush_all()
    return tickets, events


def report_period(start):
    return {"date_from": start.date(), "date_to": (start + timedelta(days=330)).date()}


def report_start():
    """The report sections' period starts on 5 January of last year."""
    return datetime(datetime.now().year - 1, 1, 5, 8, 0)
