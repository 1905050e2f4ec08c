# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(d) the indicator-31 audit report: its HTML for 10,000 vs 1,000 records in
the period, with 50,000 survey answers when qualiopi_survey is there."""

import gc
import time
from contextlib import ExitStack, closing
from functools import partial

from . import database
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
    """The report's aggregated figures alone (the report model's
    ``_qualiopi_figures``), without the register, the sections or the HTML."""
    return wizard.env[f"report.{REPORT}"]._qualiopi_figures(wizard)


def _build(db, size, start, answers_count, with_surveys):
    """The register of ``size`` records and the survey answers, committed on
    ``db``, as a production register is (the report reads committed rows);
    returns the wizards' ids (whole period, 3 sessions) and what was built."""
    with database.environment(db) as env:
        disable_auto_ack(env)
        print(f"  building {size} records in the period...", flush=True)
        started = time.perf_counter()
        _tickets, events = report_register(env, size, start)
        answers = survey_answers(env, answers_count, events, start) if with_surveys else 0
        print(
            f"  ... {len(events)} sessions, done in {time.perf_counter() - started:.1f} s"
            + (f", {answers} survey answers" if with_surveys else ""),
            flush=True,
        )
        in_register = env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)])
        assert in_register == size, f"{in_register} records in the register, not {size}"
        # The organisation's complaint procedure, which the report prints: in
        # production it exists before any report; made by the first report,
        # it would be an uncommitted write in the timed transaction.
        env["qualiopi.procedure"]._qualiopi_for_company(env.company)
        Wizard = env["qualiopi.indicator31.report"]
        wizard = Wizard.create(report_period(start))
        sampled = Wizard.create({**report_period(start), "event_ids": [(6, 0, events[:3].ids)]})
        env.cr.commit()
        built = wizard.id, sampled.id, len(events)
    _vacuum(db)
    return built


def _vacuum(db):
    """VACUUM ANALYZE ``db``, as autovacuum soon does to a production database
    after such writes: its statistics (without them PostgreSQL plans for the
    template's empty tables, not for the register built), and no autovacuum
    waking up on the new rows, on one side of the ratio, while it is timed."""
    import odoo

    with closing(odoo.sql_db.db_connect(db).cursor()) as cr:
        # Outside a transaction, as Odoo's own CREATE DATABASE.
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")


def _timed(env, func):
    """Seconds ``func`` takes, caches empty and the garbage of earlier runs
    collected first (as timeit does, so that no run pays for another)."""
    env.invalidate_all()
    gc.collect()
    start = time.perf_counter()
    result = func()
    env.flush_all()
    return time.perf_counter() - start, result


@section(
    "d",
    "indicator-31 report HTML, 10,000 vs 1,000 records in the period",
    requires=_requires(),
    committed=True,
)
def bench_report(ctx):
    """Each size on its own copy of the section's database, its records
    committed; the sizes timed in turn, run after run, so that a slow spell of
    the machine weighs on both sides of the ratio."""
    small, big = ctx.opts.report_records
    start = report_start()
    with_surveys = "qualiopi_survey" in _requires()
    answers = ctx.opts.report_answers
    dbs = {size: f"{ctx.db}_{size}" for size in (small, big)}
    built = {}
    try:
        for size, db in dbs.items():
            database.copy(ctx.db, db)
            built[size] = _build(db, size, start, answers, with_surveys)
        best = {size: {} for size in dbs}
        html_size = {}
        with ExitStack() as stack:
            envs = {size: stack.enter_context(database.environment(db)) for size, db in dbs.items()}
            for size, env in envs.items():
                Report = env["ir.actions.report"]
                wizard = env["qualiopi.indicator31.report"].browse(built[size][0])
                total = figures(wizard).get("total", size)
                assert total == size, f"the report counts {total} records in its period, not {size}"
                html_size[size] = len(Report._render_qweb_html(REPORT, wizard.ids)[0])  # warm-up
            for _run in range(max(ctx.opts.report_repeat, 1)):
                for size, env in envs.items():
                    Report = env["ir.actions.report"]
                    wizard_id, sampled_id, _sessions = built[size]
                    wizard = env["qualiopi.indicator31.report"].browse(wizard_id)
                    runs = {
                        "figures": partial(figures, wizard),
                        "html": partial(Report._render_qweb_html, REPORT, [wizard_id]),
                        "sample": partial(Report._render_qweb_html, REPORT, [sampled_id]),
                    }
                    for key, func in runs.items():
                        seconds, _result = _timed(env, func)
                        best[size][key] = min(best[size].get(key, seconds), seconds)
    finally:
        if not ctx.opts.keep:
            for db in dbs.values():
                database.drop(db)
    for size in dbs:
        sessions = built[size][2]
        ctx.result(
            f"report HTML, {size} records in the period",
            best[size]["html"],
            "s",
            note=f"{html_size[size] // 1024} KiB, register of {size} rows",
        )
        ctx.result(f"  figures only, {size} records", best[size]["figures"], "s")
        ctx.result(
            f"  report HTML, sample of 3 sessions of {size // sessions * 3} records",
            best[size]["sample"],
            "s",
        )
    ctx.result(
        f"ratio report HTML {big} / {small} records",
        best[big]["html"] / best[small]["html"],
        target=1.5,
        note=f"with {answers} survey answers"
        if with_surveys
        else "qualiopi_survey absent: no survey answers",
    )
    ctx.result(
        f"ratio sample of 3 sessions, {big} / {small} records in the period",
        best[big]["sample"] / best[small]["sample"],
        note="information: what an auditor's sample costs",
    )
    ctx.result(
        f"ratio figures only {big} / {small} records",
        best[big]["figures"] / best[small]["figures"],
        note="information: the aggregated queries alone",
    )
