# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(d) the indicator-31 audit report: its HTML for 10,000 vs 1,000 records in
the period, with 50,000 survey answers when qualiopi_survey is there."""

import time

from .core import REPO, section
from .fixtures import (
    copy_rows,
    disable_auto_ack,
    partners,
    quiet,
    report_period,
    report_register,
    report_start,
)

REPORT = "qualiopi_reclamation.report_indicator31"


def _requires():
    """The survey answers only exist with qualiopi_survey in the repository."""
    if (REPO / "qualiopi_survey" / "__manifest__.py").exists():
        return ("qualiopi_reclamation", "qualiopi_survey")
    return ("qualiopi_reclamation",)


def survey_answers(env, count, events, start):
    """``count`` end-of-session survey answers spread over ``events``, one per
    attendee and session, four in five answered: copies of one answer made by
    the ORM (the seed, removed afterwards)."""
    env = quiet(env)
    survey = env.ref("qualiopi_survey.survey_qualiopi_hot")
    per_event = -(-count // len(events))
    # One contact more than the attendees, for the seed: its copies take
    # (session, attendee) pairs that must all be free.
    attendees = partners(env, per_event + 1, email=True)
    seed = env["survey.user_input"].create(
        {
            "survey_id": survey.id,
            "partner_id": attendees[-1].id,
            "event_id": events[0].id,
            "state": "done",
        }
    )
    copy_rows(
        env,
        "survey_user_input",
        seed.ids,
        count,
        computed={
            "access_token": "md5(random()::text || g::text)",
            "invite_token": "NULL",
            "partner_id": "(%(partners)s::int[])[1 + g %% %(per_event)s]",
            "event_id": "(%(events)s::int[])[1 + (g / %(per_event)s) %% %(nb_events)s]",
            "qualiopi_satisfaction": "(g * 37) %% 101",
            "state": "CASE WHEN g %% 5 = 0 THEN 'new' ELSE 'done' END",
            "qualiopi_purpose": "'hot'",
            "qualiopi_invitation_date": "%(start)s + (g %% 300) * interval '1 day'",
            "qualiopi_is_scored": "g %% 5 != 0",
            "qualiopi_is_low": "g %% 5 != 0 AND (g * 37) %% 101 < 50",
            "company_id": "%(company)s",
        },
        params={
            "partners": attendees[:-1].ids,
            "per_event": per_event,
            "events": events.ids,
            "nb_events": len(events),
            "start": start,
            "company": env.company.id,
        },
    )
    # In SQL: the seed goes as it came, without the ORM's side effects.
    env.cr.execute("DELETE FROM survey_user_input WHERE id = %s", seed.ids)
    env.invalidate_all()
    return env["survey.user_input"].search_count([("survey_id", "=", survey.id)])


def figures(wizard):
    """The report's aggregated figures alone: the wizard's method while the
    report is a wizard, the report model's values once it is one."""
    if hasattr(wizard, "_qualiopi_figures"):
        return wizard._qualiopi_figures()
    return wizard.env[f"report.{REPORT}"]._get_report_values(wizard.ids)


def _timings(ctx, wizard, sampled, repeat):
    Report = ctx.env["ir.actions.report"]
    Report._render_qweb_html(REPORT, wizard.ids)  # warm-up
    best = {}
    for _run in range(repeat):
        times = {}
        ctx.env.invalidate_all()
        with ctx.timed(times, "figures"):
            figures(wizard)
        ctx.env.invalidate_all()
        with ctx.timed(times, "html"):
            html = Report._render_qweb_html(REPORT, wizard.ids)[0]
        ctx.env.invalidate_all()
        with ctx.timed(times, "sample"):
            Report._render_qweb_html(REPORT, sampled.ids)
        for key, value in times.items():
            best[key] = min(best.get(key, value), value)
    return best, html


@section(
    "d", "indicator-31 report HTML, 10,000 vs 1,000 records in the period", requires=_requires()
)
def bench_report(ctx):
    env = ctx.env
    disable_auto_ack(env)
    small, big = ctx.opts.report_records
    start = report_start()
    with_surveys = "qualiopi_survey" in env.registry._init_modules
    timings = {}
    for size in (small, big):
        with ctx.rolled_back():
            print(f"  building {size} records in the period...", flush=True)
            started = time.perf_counter()
            _tickets, events = report_register(env, size, start)
            answers = 0
            if with_surveys:
                answers = survey_answers(env, ctx.opts.report_answers, events, start)
            print(
                f"  ... {len(events)} sessions, done in {time.perf_counter() - started:.1f} s"
                + (f", {answers} survey answers" if with_surveys else ""),
                flush=True,
            )
            # The statistics a production database has (autovacuum analyses a
            # table after a tenth of it changed): without them PostgreSQL plans
            # for the empty tables of the template, not for the register built.
            env.flush_all()
            env.cr.execute("ANALYZE helpdesk_ticket, survey_user_input, event_event")
            in_register = env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)])
            assert in_register == size, f"{in_register} records in the register, not {size}"
            # The whole register of the period, and a sample of 3 sessions.
            Wizard = env["qualiopi.indicator31.report"]
            wizard = Wizard.create(report_period(start))
            sampled = Wizard.create({**report_period(start), "event_ids": [(6, 0, events[:3].ids)]})
            best, html = _timings(ctx, wizard, sampled, max(ctx.opts.repeat, 1))
            total = figures(wizard).get("total", size)
            assert total == size, f"the report counts {total} records in its period, not {size}"
            timings[size] = best
            ctx.result(
                f"report HTML, {size} records in the period",
                best["html"],
                "s",
                note=f"{len(html) // 1024} KiB, register of {size} rows",
            )
            ctx.result(f"  figures only, {size} records", best["figures"], "s")
            ctx.result(
                f"  report HTML, sample of 3 sessions of {size // len(events) * 3} records",
                best["sample"],
                "s",
            )
    ctx.result(
        f"ratio report HTML {big} / {small} records",
        timings[big]["html"] / timings[small]["html"],
        target=1.5,
        note=f"with {ctx.opts.report_answers} survey answers"
        if with_surveys
        else "qualiopi_survey absent: no survey answers",
    )
    ctx.result(
        f"ratio sample of 3 sessions, {big} / {small} records in the period",
        timings[big]["sample"] / timings[small]["sample"],
        note="information: what an auditor's sample costs",
    )
    ctx.result(
        f"ratio figures only {big} / {small} records",
        timings[big]["figures"] / timings[small]["figures"],
        note="information: the aggregated queries alone",
    )
