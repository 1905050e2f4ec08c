# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(pack) the evidence pack: 10,000 records in 100 sampled sessions, each with
its acknowledgement and answer sent as messages."""

import resource
import time
from datetime import timedelta

from .core import section
from .fixtures import NO_MAIL, disable_auto_ack, report_period, report_register, report_start


def _messages(env, tickets):
    """An acknowledgement and an answer message per record, as the chatter
    would keep them (recipient, Message-Id), linked to the record."""
    Message = env["mail.message"].with_context(**NO_MAIL)
    for chunk in range(0, len(tickets), 1000):
        batch = tickets[chunk : chunk + 1000]
        vals = []
        for ticket in batch:
            for kind in ("Accusé de réception", "Réponse"):
                vals.append(
                    {
                        "model": "helpdesk.ticket",
                        "res_id": ticket.id,
                        "message_type": "comment",
                        "subject": f"{kind} {ticket.number}",
                        "body": f"<p>{kind} de votre réclamation {ticket.number}.</p>",
                        "email_from": "qualite@example.com",
                        "partner_ids": [(6, 0, ticket.partner_id.ids)],
                        "date": ticket.received_date + timedelta(hours=4),
                    }
                )
        messages = Message.create(vals)
        for index, ticket in enumerate(batch):
            ticket.write(
                {
                    "ack_message_id": messages[2 * index].id,
                    "response_message_id": messages[2 * index + 1].id,
                }
            )
        env.flush_all()
        env.invalidate_all()


@section("pack", "evidence pack ZIP, 10,000 records in 100 sampled sessions")
def bench_pack(ctx):
    env = ctx.env
    disable_auto_ack(env)
    count, sessions = ctx.opts.pack_records, ctx.opts.pack_sessions
    start = report_start()
    with ctx.rolled_back():
        print(f"  building {count} records with their messages...", flush=True)
        started = time.perf_counter()
        tickets, events = report_register(env, count, start)
        sample = events[:sessions]
        # Every record in one of the sampled sessions: the pack holds them all.
        env.cr.execute(
            "UPDATE helpdesk_ticket SET event_id = (%s::int[])[1 + (id %% %s)] WHERE id = ANY(%s)",
            (sample.ids, len(sample), tickets.ids),
        )
        env.invalidate_all()
        _messages(env, tickets)
        print(f"  ... done in {time.perf_counter() - started:.1f} s", flush=True)
        pack = env["qualiopi.evidence.pack"].create(
            {**report_period(start), "event_ids": [(6, 0, sample.ids)], "lang": "en_US"}
        )
        env.flush_all()
        env.invalidate_all()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        times = {}
        with ctx.timed(times, "build"):
            pack._qualiopi_build()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert pack.state == "done", pack.error
        ctx.result(
            f"evidence pack, {count} records in {len(sample)} sampled sessions",
            times["build"],
            "s",
            target=60,
            note=f"{pack.file_count} files, ZIP of {pack.file_size // 1024} KiB",
        )
        ctx.result(
            "  peak memory growth while building",
            (rss_after - rss_before) / 1024,
            "MiB",
            note=f"peak RSS {rss_after // 1024} MiB (ru_maxrss: growth of the peak only)",
        )
