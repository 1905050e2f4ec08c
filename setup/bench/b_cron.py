# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(b) the deadline cron on a register of 10,000 then 100,000 tickets, the same
100 late; (big), optional, on 10,000 then 1,000,000: the cron's cost follows
the tickets that change, not the size of the history."""

import time
from datetime import datetime, timedelta

from qualiopi_fields import has_field, renamed

from .core import section
from .fixtures import closed_stage, copy_rows, disable_auto_ack, partners, quiet


def history_template(env, size):
    """``size`` tickets that the deadline cron has nothing to do about: Qualiopi
    records acknowledged and answered long ago, nine in ten of them closed
    (with what the addon asks before closing), and plain tickets; created
    through the ORM so that every stored field is right, without mail tracking
    nor acknowledgement."""
    from freezegun import freeze_time

    env = quiet(env)
    Ticket = env["helpdesk.ticket"]
    contacts = partners(env, 50, email=False)
    closed = closed_stage(env)
    natures = ["complaint", "complaint", "difficulty", "hazard", False]
    stakeholders = ["trainee", "client", "funder", "trainer", "staff"]
    # What the addon asks before a hazard or a difficulty may close, where it exists.
    closing_vals = {
        "hazard": {
            "hazard_measure": "<p>Session moved online.</p>",
            "hazard_informed_trainees": True,
        },
        "difficulty": {"difficulty_handling": "<p>Extra coaching session.</p>"},
    }
    closing_vals = {
        nature: renamed(Ticket, {k: v for k, v in vals.items() if has_field(Ticket, k)})
        for nature, vals in closing_vals.items()
    }
    tickets = Ticket.browse()
    base = datetime.now().replace(microsecond=0) - timedelta(days=400)
    per_day = max(size // 300, 1)
    for start in range(0, size, 500):
        day = base + timedelta(days=start // per_day)
        vals_list = []
        for i in range(start, min(start + 500, size)):
            nature = natures[i % len(natures)]
            vals = {
                "name": f"History {i}",
                "description": "<p>Handled.</p>",
                "partner_id": contacts[i % 50].id,
            }
            if nature:
                vals.update(
                    {
                        "qualiopi_nature": nature,
                        "stakeholder_type": stakeholders[i % len(stakeholders)],
                        "received_date": day,
                        # Recorded evidence, as an import of the former register.
                        "ack_date": day + timedelta(hours=20),
                        "ack_method": "letter",
                        "response_date": day + timedelta(days=4),
                        "response_method": "letter",
                        **closing_vals.get(nature, {}),
                    }
                )
            if closed and i % 10:
                vals["stage_id"] = closed.id
            vals_list.append(vals)
        with freeze_time(day + timedelta(days=5)):
            try:
                with env.cr.savepoint():
                    tickets |= Ticket.create(vals_list)
            except Exception:  # noqa: BLE001 (a rule of the addon refuses to close: keep them open)
                for vals in vals_list:
                    vals.pop("stage_id", None)
                tickets |= Ticket.create(vals_list)
    env.flush_all()
    return tickets


def becoming_late(env, count):
    """``count`` open complaints received 30 days ago, neither acknowledged nor
    answered, created with the clock at that time: their deadlines have passed
    but nothing flagged them yet, as if the cron had not run since."""
    from freezegun import freeze_time

    env = quiet(env)
    contacts = partners(env, 10, email=False)
    received = datetime.now().replace(microsecond=0) - timedelta(days=30)
    with freeze_time(received + timedelta(minutes=5)):
        tickets = env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Late complaint {i}",
                    "description": "<p>Nobody answered.</p>",
                    "partner_id": contacts[i % 10].id,
                    "user_id": env.uid,
                    "qualiopi_nature": "complaint",
                    "stakeholder_type": "trainee",
                    "received_date": received,
                }
                for i in range(count)
            ]
        )
        env.flush_all()
    return tickets


def grow_register(env, template, total):
    """Copies of the ``template`` tickets until the register holds ``total``."""
    Ticket = env["helpdesk.ticket"]
    started = time.perf_counter()
    missing = total - Ticket.search_count([])
    copy_rows(env, "helpdesk_ticket", template.ids, missing // len(template))
    if missing % len(template):
        copy_rows(env, "helpdesk_ticket", template.ids[: missing % len(template)])
    total = Ticket.search_count([])
    print(f"  ... {total} tickets in {time.perf_counter() - started:.1f} s", flush=True)
    return total


def run_cron(ctx, late):
    """Time the deadline cron, check what it did to the late tickets, undo it.

    Timed ``--repeat`` times (each undone), the fastest kept: the machine may be
    busy with other work."""
    env = ctx.env
    Ticket = env["helpdesk.ticket"]
    Activity = env["mail.activity"]
    domain = [("res_model", "=", "helpdesk.ticket")]
    best = {}
    for _run in range(max(ctx.opts.repeat, 1)):
        times = {}
        with ctx.rolled_back():
            activities_before = Activity.search_count(domain)
            with ctx.timed(times, "cron"):
                Ticket._cron_qualiopi_deadlines()
            env.invalidate_all()
            flagged = Ticket.search_count([("id", "in", late.ids), ("is_overdue", "=", True)])
            activities = Activity.search_count(domain) - activities_before
            with ctx.timed(times, "second"):
                Ticket._cron_qualiopi_deadlines()
            again = Activity.search_count(domain) - activities_before - activities
        for key in times:
            best[key] = min(best.get(key, times[key]), times[key])
    return best["cron"], best["second"], flagged, activities, again


def _measure(ctx, late, total):
    seconds, second, flagged, activities, again = run_cron(ctx, late)
    ctx.result(f"cron, register of {total} tickets, {len(late)} late", seconds, "s")
    ctx.result(
        "  late tickets flagged / activities scheduled",
        f"{flagged}/{activities}",
        note=f"second run: {again} new activities, {second:.3f} s",
    )
    return seconds, second


def cron_ratio(ctx, small, big, target):
    """The cron on a register of ``small`` tickets, then grown to ``big``,
    the same ``--late`` tickets late in both."""
    env = ctx.env
    late_count = ctx.opts.late
    disable_auto_ack(env)
    print(f"  building a register of {small} tickets...", flush=True)
    template = history_template(env, min(1000, small - late_count))
    late = becoming_late(env, late_count)
    total = grow_register(env, template, small)
    env.cr.execute(
        """
        SELECT t.qualiopi_nature IS NOT NULL, s.closed, count(*)
          FROM helpdesk_ticket t LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
         GROUP BY 1, 2 ORDER BY 1, 2
        """
    )
    print(
        "  register: "
        + ", ".join(
            f"{n} {'Qualiopi' if q else 'plain'} {'closed' if c else 'open'}"
            for q, c, n in env.cr.fetchall()
        ),
        flush=True,
    )
    # Warm-up run (not timed, undone): caches, query plans.
    with ctx.rolled_back():
        env["helpdesk.ticket"]._cron_qualiopi_deadlines()
    t_small, second_small = _measure(ctx, late, total)
    print(f"  growing the register to {big} tickets...", flush=True)
    total_big = grow_register(env, template, big)
    t_big, second_big = _measure(ctx, late, total_big)
    ctx.result(f"ratio cron {total_big} / {total} tickets", t_big / t_small, target=target)
    ctx.result(
        f"ratio idle second run {total_big} / {total} tickets",
        second_big / second_small if second_small else 0.0,
        note="information: the run that finds nothing new",
    )
    with ctx.rolled_back():
        queries = slowest_queries(env, env["helpdesk.ticket"]._cron_qualiopi_deadlines)
    for seconds, count, query in queries:
        ctx.result(
            f"  cron on {total_big} tickets, query of {seconds:.3f} s ({count}x)",
            query,
            note="information: where the cron's time goes",
        )


def slowest_queries(env, func, top=3):
    """Run ``func`` with every SQL query timed: the ``top`` queries by total
    time, as (seconds, times run, query shortened)."""
    cr = env.cr
    execute = cr.execute
    spent = {}

    def timed_execute(query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            key = " ".join(getattr(query, "code", query).split())[:160]
            seconds, count = spent.get(key, (0.0, 0))
            spent[key] = (seconds + time.perf_counter() - started, count + 1)

    cr.execute = timed_execute
    try:
        func()
        env.flush_all()
    finally:
        del cr.execute
    ranked = sorted(((s, n, q) for q, (s, n) in spent.items()), reverse=True)
    return ranked[:top]


@section("b", "deadline cron on registers of 10,000 and 100,000 tickets, the same 100 late")
def bench_cron(ctx):
    cron_ratio(ctx, *ctx.opts.registers, target=2)


@section(
    "big",
    "deadline cron on registers of 10,000 and 1,000,000 tickets, the same 100 late (--big)",
    optional=True,
)
def bench_cron_big(ctx):
    cron_ratio(ctx, ctx.opts.registers[0], ctx.opts.big_register, target=1.2)
