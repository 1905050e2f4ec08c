# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(a) creating complaints vs plain tickets, without then with the automatic
acknowledgement email."""

from .core import section
from .fixtures import partners, ticket_vals


def _interleaved(ctx, count, contacts, chunk):
    """Seconds to create ``count`` plain tickets and ``count`` complaints, one
    create() each, in interleaved chunks so that both kinds see the same
    database growth; after a warm-up (caches, sequences, calendars)."""
    Ticket = ctx.env["helpdesk.ticket"]
    size = len(contacts)
    for qualiopi in (False, True):
        Ticket.create([ticket_vals(i, contacts[i % size], qualiopi) for i in range(5)])
    times = {}
    for start in range(0, count, chunk):
        for qualiopi in (False, True):
            with ctx.timed(times, "qualiopi" if qualiopi else "plain"):
                for i in range(start, min(start + chunk, count)):
                    Ticket.create(ticket_vals(i, contacts[i % size], qualiopi))
    return times


@section("a", "create 2,000 Qualiopi complaints vs 2,000 plain helpdesk tickets")
def bench_create(ctx):
    env = ctx.env
    count = ctx.opts.create
    with ctx.rolled_back():
        times = _interleaved(ctx, count, partners(env, 50, email=False), 100)
        ctx.result(f"{count} plain tickets, one create() each", times["plain"], "s")
        ctx.result(f"{count} complaints, one create() each", times["qualiopi"], "s")
        ctx.result(
            "ratio complaints / plain tickets",
            times["qualiopi"] / times["plain"],
            target=1.5,
            note="complainants without email: no acknowledgement email",
        )
    with ctx.rolled_back():
        sample = max(count // 10, 10)
        times = _interleaved(ctx, sample, partners(env, 50, email=True), 20)
        ctx.result(
            f"ratio with the acknowledgement email ({sample} each)",
            times["qualiopi"] / times["plain"],
            target=2.0,
            note="complainants with an email: acknowledgement queued on creation",
        )
        Ticket = env["helpdesk.ticket"]
        queued = Ticket.search_count([("qualiopi_ack_queued", "=", True)])
        times = {}
        with ctx.timed(times, "job"):
            while Ticket.search_count([("qualiopi_ack_queued", "=", True)], limit=1):
                Ticket._cron_qualiopi_acknowledge()
            env.flush_all()
        ctx.result(
            f"the job sending the {queued} queued acknowledgements, per email",
            times["job"] / max(queued, 1) * 1000,
            "ms",
            note="rendered and sent in batches, within seconds of creation",
        )
