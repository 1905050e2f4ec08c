#!/usr/bin/env python3
# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The data of the upgrade test (setup/test-upgrade), in two steps:

    PYTHON setup/upgrade_check.py create -c OLD.conf -d DB EXPECTED.json
    PYTHON setup/upgrade_check.py check  -c NEW.conf -d DB EXPECTED.json

``create`` runs on the addons of the former version: it records a complaint
acknowledged and answered through the chatter, a difficulty, a hazard, an
improvement action, a mediation referral, survey settings on a course and the
company's settings, commits, and writes what it stored (field by field, under
the former names) to EXPECTED.json. ``check`` runs after the upgrade: every
value is still there (read under the field's name of now, see
qualiopi_fields), and the audit report renders its HTML for the period with
the complaint in it. Exit code 1 when something differs.
"""

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qualiopi_fields import field_name  # noqa: E402

REPORT = "qualiopi_reclamation.report_indicator31"

# What is compared after the upgrade, per model, under the former names.
CHECKED = {
    "res.company": [
        "qualiopi_ack_days",
        "qualiopi_response_days",
        "qualiopi_auto_ack",
        "qualiopi_recurrence_days",
        "qualiopi_alert_threshold",
        "qualiopi_mediator_id",
    ],
    "event.type": [
        "qualiopi_hot_survey_id",
        "qualiopi_cold_survey_id",
        "qualiopi_cold_delay",
        "qualiopi_reminder_count",
        "qualiopi_reminder_1_days",
        "qualiopi_reminder_2_days",
    ],
    "helpdesk.ticket": [
        "name",
        "qualiopi_nature",
        "stakeholder_type",
        "partner_id",
        "received_date",
        "ack_date",
        "ack_method",
        "ack_message_id",
        "response_date",
        "response_method",
        "response_message_id",
        "ack_deadline",
        "response_deadline",
        "is_overdue",
        "cause_category_id",
        "is_founded",
        "root_cause",
        "corrective_action_note",
        "difficulty_handling",
        "hazard_measure",
        "hazard_informed_trainees",
        "hazard_informed_client",
        "improvement_action_ids",
    ],
    "qualiopi.improvement.action": [
        "name",
        "action_type",
        "ticket_ids",
        "date_deadline",
        "state",
        "user_id",
    ],
    "qualiopi.mediator": ["name", "website", "street", "zip", "city"],
    "qualiopi.mediation.referral": ["ticket_id", "mediator_id", "referral_date", "state"],
}


def _value(record, name):
    value = record[name]
    field = record._fields[name]
    if field.type == "many2one":
        return value.id or False
    if field.type in ("one2many", "many2many"):
        return sorted(value.ids)
    if isinstance(value, (date, datetime)):
        return str(value)
    return value


def create(env):
    """The representative data of the former version; returns what it stored."""
    company = env.company
    mediator = env["qualiopi.mediator"].create(
        {
            "name": "Upgrade Médiateur",
            "website": "https://mediateur.example.com",
            "street": "1 rue de la Paix",
            "zip": "75002",
            "city": "Paris",
        }
    )
    company.write(
        {
            "qualiopi_ack_days": 3,
            "qualiopi_response_days": 12,
            "qualiopi_auto_ack": False,
            "qualiopi_recurrence_days": 120,
            "qualiopi_alert_threshold": 65,
            "qualiopi_mediator_id": mediator.id,
        }
    )
    course = env["event.type"].create(
        {
            "name": "Upgrade course",
            "qualiopi_hot_survey_id": env.ref("qualiopi_survey.survey_qualiopi_hot").id,
            "qualiopi_cold_survey_id": env.ref("qualiopi_survey.survey_qualiopi_cold").id,
            "qualiopi_cold_delay": 45,
            "qualiopi_reminder_count": 1,
            "qualiopi_reminder_1_days": 4,
        }
    )
    partner = env["res.partner"].create(
        {"name": "Upgrade Trainee", "email": "upgrade.trainee@example.com", "lang": "en_US"}
    )
    received = datetime.now().replace(microsecond=0) - timedelta(days=3)
    Ticket = env["helpdesk.ticket"]
    common = {
        "partner_id": partner.id,
        "stakeholder_type": "trainee",
        "received_date": received,
        "description": "<p>Recorded before the upgrade.</p>",
    }
    complaint = Ticket.create(
        {
            **common,
            "name": "Upgrade complaint",
            "qualiopi_nature": "complaint",
            "cause_category_id": env["qualiopi.cause.category"].search([], limit=1).id,
            "is_founded": "founded",
            "root_cause": "The certificates were sent to an old address.",
            "corrective_action_note": "Addresses checked at enrolment.",
        }
    )
    complaint.action_qualiopi_acknowledge()
    Composer = env["mail.compose.message"]
    answer = complaint.action_qualiopi_send_response()["context"]
    Composer.with_context(**answer).create({"body": "<p>Sent.</p>"}).action_send_mail()
    difficulty = Ticket.create(
        {
            **common,
            "name": "Upgrade difficulty",
            "qualiopi_nature": "difficulty",
            "difficulty_handling": "<p>Extra coaching session.</p>",
        }
    )
    hazard = Ticket.create(
        {
            **common,
            "name": "Upgrade hazard",
            "stakeholder_type": "trainer",
            "qualiopi_nature": "hazard",
            "hazard_measure": "<p>Session moved online.</p>",
            "hazard_informed_trainees": True,
            "hazard_informed_client": True,
        }
    )
    improvement = env["qualiopi.improvement.action"].create(
        {
            "name": "Check addresses at enrolment",
            "ticket_ids": [(6, 0, complaint.ids)],
            "date_deadline": date.today() + timedelta(days=30),
        }
    )
    referral = env["qualiopi.mediation.referral"].create(
        {"ticket_id": complaint.id, "mediator_id": mediator.id}
    )
    env.flush_all()
    records = {
        "res.company": company,
        "event.type": course,
        "helpdesk.ticket": complaint | difficulty | hazard,
        "qualiopi.improvement.action": improvement,
        "qualiopi.mediator": mediator,
        "qualiopi.mediation.referral": referral,
    }
    expected = {
        model: {
            str(record.id): {name: _value(record, name) for name in CHECKED[model]}
            for record in records[model]
        }
        for model in CHECKED
    }
    ticket = expected["helpdesk.ticket"][str(complaint.id)]
    assert ticket["ack_date"] and ticket["response_date"], "the complaint is not answered"
    expected["report"] = {
        "date_from": str(received.date() - timedelta(days=1)),
        "date_to": str(date.today()),
        "contains": complaint.name,
    }
    return expected


def check(env, expected):
    """What differs from ``expected`` after the upgrade, one line each."""
    problems = []
    for model, records in expected.items():
        if model == "report":
            continue
        Model = env[model]
        for record_id, values in records.items():
            record = Model.browse(int(record_id)).exists()
            if not record:
                problems.append(f"{model} {record_id}: gone")
                continue
            for old, value in values.items():
                try:
                    name = field_name(Model, old)
                except KeyError:
                    problems.append(f"{model} {record_id}: field {old} gone")
                    continue
                now = _value(record, name)
                if now != value:
                    problems.append(f"{model} {record_id}.{name}: {now!r}, was {value!r}")
    report = expected["report"]
    if not env.ref(REPORT, raise_if_not_found=False):
        problems.append(f"report {REPORT}: gone")
    else:
        wizard = env["qualiopi.indicator31.report"].create(
            {"date_from": report["date_from"], "date_to": report["date_to"]}
        )
        html = env["ir.actions.report"]._render_qweb_html(REPORT, wizard.ids)[0].decode()
        if report["contains"] not in html:
            problems.append(f"report {REPORT}: {report['contains']!r} not in its HTML")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["create", "check"])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("expected", type=Path)
    args = parser.parse_args(argv)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.step == "create":
            args.expected.write_text(json.dumps(create(env), indent=1))
            cr.commit()
            print(f"data of the former version recorded: {args.expected}", file=sys.stderr)
            return 0
        problems = check(env, json.loads(args.expected.read_text()))
        cr.rollback()
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(f"upgrade check: {len(problems)} differences", file=sys.stderr)
        return 1
    print("upgrade check: data, settings and report intact", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
