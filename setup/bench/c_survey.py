# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(c) qualiopi_survey: end-of-session invitations of 500 sessions of 20
attendees by the addon's cron, against the core survey.invite wizard."""

import time
from datetime import datetime, timedelta

from .core import section
from .fixtures import quiet


def _survey_sessions(ctx, sessions, attendees, survey):
    """``sessions`` sessions ended an hour ago, ``attendees`` confirmed
    attendees each (with an email), the end-of-session survey set."""
    env = quiet(ctx.env)
    end = datetime.now().replace(microsecond=0) - timedelta(hours=1)
    events = env["event.event"].create(
        [
            {
                "name": f"Bench session {i}",
                "date_begin": end - timedelta(days=2),
                "date_end": end,
                "qualiopi_hot_survey_id": survey.id,
                "qualiopi_cold_survey_id": False,
                "qualiopi_client_survey_id": False,
                "qualiopi_trainer_survey_id": False,
                # No registration emails: the event app's own schedulers would
                # mail (and commit) on each registration.
                "event_mail_ids": [(5, 0, 0)],
            }
            for i in range(sessions)
        ]
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Bench attendee {i}", "email": f"bench.attendee.{i}@example.com"}
            for i in range(sessions * attendees)
        ]
    )
    env["event.registration"].create(
        [
            {
                "event_id": event.id,
                "partner_id": partners[index * attendees + j].id,
                "state": "open",
            }
            for index, event in enumerate(events)
            for j in range(attendees)
        ]
    )
    env.flush_all()
    return events, partners


def _core_invite(env, survey, partner_groups):
    """What a user does with the survey app: one 'Share' wizard per session,
    sending the core invitation template to the session's attendees."""
    template = env.ref("survey.mail_template_user_input_invite")
    Invite = env["survey.invite"].with_context(
        default_email_layout_xmlid="mail.mail_notification_light"
    )
    for partners in partner_groups:
        wizard = Invite.create(
            {
                "survey_id": survey.id,
                "template_id": template.id,
                "partner_ids": [(6, 0, partners.ids)],
            }
        )
        wizard.action_invite()


@section(
    "c",
    "survey invitations: 500 sessions x 20 attendees, cron vs core survey.invite",
    requires=("qualiopi_survey",),
)
def bench_survey_invitations(ctx):
    env = ctx.env
    sessions, attendees = ctx.opts.sessions, ctx.opts.attendees
    total = sessions * attendees
    survey = env.ref("qualiopi_survey.survey_qualiopi_hot")
    Answer = env["survey.user_input"]
    Mail = env["mail.mail"]

    def counts(target_survey):
        return (
            Answer.search_count([("survey_id", "=", target_survey.id)]),
            Mail.search_count([("model", "=", "survey.user_input")])
            + Mail.search_count([("model", "=", False), ("subject", "ilike", target_survey.title)]),
        )

    # Warm-up (not timed, undone): one session each way.
    with ctx.rolled_back():
        events, partners = _survey_sessions(ctx, 1, attendees, survey)
        env["event.event"]._cron_qualiopi_surveys()
        _core_invite(env, survey.copy(), [partners])

    print(f"  building {sessions} sessions of {attendees} attendees...", flush=True)
    started = time.perf_counter()
    events, partners = _survey_sessions(ctx, sessions, attendees, survey)
    print(
        f"  ... {len(partners)} registrations in {time.perf_counter() - started:.1f} s", flush=True
    )
    groups = [partners[i * attendees : (i + 1) * attendees] for i in range(sessions)]
    best = {}
    for _run in range(max(ctx.opts.survey_repeat, 1)):
        times = {}
        with ctx.rolled_back():
            core_survey = survey.copy({"title": "Bench core invitation"})
            with ctx.timed(times, "core"):
                _core_invite(env, core_survey, groups)
            core_answers, core_mails = counts(core_survey)
        with ctx.rolled_back():
            with ctx.timed(times, "ours"):
                env["event.event"]._cron_qualiopi_surveys()
            our_answers, our_mails = counts(survey)
            with ctx.timed(times, "again"):
                env["event.event"]._cron_qualiopi_surveys()
            again = Answer.search_count([("survey_id", "=", survey.id)]) - our_answers
        for key, value in times.items():
            best[key] = min(best.get(key, value), value)
    ctx.result(
        f"core survey.invite, {sessions} wizards: per invitation",
        best["core"] * 1000 / total,
        "ms",
        note=f"{core_answers} answers, {core_mails} emails, {best['core']:.1f} s",
    )
    ctx.result(
        f"qualiopi_survey cron, {sessions} sessions: per invitation",
        best["ours"] * 1000 / total,
        "ms",
        note=f"{our_answers} answers, {our_mails} emails, {best['ours']:.1f} s",
    )
    ctx.result(
        "ratio qualiopi_survey / core survey.invite", best["ours"] / best["core"], target=1.5
    )
    ctx.result(
        "  second cron run: new invitations",
        again,
        note=f"{best['again']:.3f} s, idempotent",
    )


# ---------------------------------------------------------------------------
