from markupsafe import Markup

from odoo import api, fields, models, tools


class QualiopiDeadlineMixin(models.AbstractModel):
    """Records with dated milestones (acknowledgement, answer, mediation
    outcome): when one is overdue, and one activity per milestone for the person
    responsible, a reminder when it falls due then an escalation once late,
    never twice.

    A model using it declares its milestones (``_qualiopi_deadline_milestones``),
    the records still open (``_qualiopi_deadline_open_domain``), the stored
    overdue flag (``_qualiopi_overdue_field``) and the people who may be
    responsible (``_qualiopi_responsible_candidates``); its cron calls
    ``_qualiopi_run_deadlines()``.
    """

    _name = "qualiopi.deadline.mixin"
    _inherit = ["qualiopi.cron.mixin"]
    _description = "Qualiopi record with deadlines"

    # The stored boolean that says the record is overdue now.
    _qualiopi_overdue_field = None

    @api.model
    def _qualiopi_deadline_milestones(self):
        """The milestones, each a dict: ``pending`` (domain: not done yet),
        ``deadline``, ``reminder`` (date fields), ``reminder_flag``,
        ``late_flag`` (booleans), ``due_summary``, ``late_summary``,
        ``activity_type`` (xmlid)."""
        return []

    @api.model
    def _qualiopi_deadline_open_domain(self):
        """The records whose milestones are still tracked."""
        return []

    @api.model
    def _qualiopi_deadline_now(self):
        """The moment the deadlines are compared with (a naive UTC datetime;
        midnight of today for date deadlines)."""
        return fields.Datetime.now()

    @api.model
    def _qualiopi_overdue_domain(self, now=None):
        """The one definition of overdue: an open record with a milestone past
        its deadline and not done at ``now``."""
        now = now or self._qualiopi_deadline_now()
        late = [
            [*milestone["pending"], (milestone["deadline"], "<", now)]
            for milestone in self._qualiopi_deadline_milestones()
        ]
        return [*self._qualiopi_deadline_open_domain(), *self._qualiopi_or(late)]

    @api.model
    def _qualiopi_pending_domain(self):
        """Open records still waiting for a milestone that has a deadline."""
        pending = [
            [*milestone["pending"], (milestone["deadline"], "!=", False)]
            for milestone in self._qualiopi_deadline_milestones()
        ]
        return [*self._qualiopi_deadline_open_domain(), *self._qualiopi_or(pending)]

    @api.model
    def _qualiopi_or(self, domains):
        result = []
        for domain in domains:
            # A domain of several terms is one AND; OR them in prefix notation.
            term = (["&"] * (len(domain) - 1)) + list(domain)
            result = term if not result else ["|", *result, *term]
        return result

    def _qualiopi_compute_overdue(self):
        """Set the overdue flag of ``self`` from ``_qualiopi_overdue_domain``,
        evaluated in memory (records being edited have no row yet)."""
        overdue = self.filtered_domain(self._qualiopi_overdue_domain())
        field = self._qualiopi_overdue_field
        overdue[field] = True
        (self - overdue)[field] = False

    # ------------------------------------------------------------------
    # Responsible user
    # ------------------------------------------------------------------

    def _qualiopi_responsible_candidates(self):
        """Users who may be responsible for this record, the first first."""
        self.ensure_one()
        return [self.create_uid]

    def _qualiopi_responsible_user(self):
        """The first internal active user among the candidates, else the
        administrator: an activity for nobody is lost."""
        self.ensure_one()
        for user in self._qualiopi_responsible_candidates():
            if user and not user.share and user.active:
                return user
        return self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user

    def _qualiopi_escalation_candidates(self):
        """Users above the person responsible, who receive the escalation of a
        late milestone, the first first (a team leader)."""
        self.ensure_one()
        return []

    def _qualiopi_escalation_user(self):
        """Who receives the escalation: the first internal active candidate
        other than the person responsible, else a Qualiopi manager of the
        record's company (the earliest created), else the person responsible
        (nobody above them)."""
        self.ensure_one()
        responsible = self._qualiopi_responsible_user()
        for user in self._qualiopi_escalation_candidates():
            if user and not user.share and user.active and user != responsible:
                return user
        company = self["company_id"] if "company_id" in self._fields else self.env.company
        manager = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    (
                        "groups_id",
                        "in",
                        self.env.ref("qualiopi_reclamation.group_qualiopi_manager").id,
                    ),
                    ("share", "=", False),
                    ("id", "!=", responsible.id),
                    ("company_ids", "in", (company or self.env.company).id),
                ],
                order="id",
                limit=1,
            )
        )
        return manager.with_env(self.env) or responsible

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    def _qualiopi_tz(self):
        """The time zone in which this record's dates are written."""
        self.ensure_one()
        return self.env.user.tz or "UTC"

    def _qualiopi_deadline_note(self, milestone, summary):
        """The text of the activity for ``milestone``."""
        self.ensure_one()
        deadline = self[milestone["deadline"]]
        if self._fields[milestone["deadline"]].type == "datetime":
            deadline = tools.format_datetime(
                self.env, deadline, tz=self._qualiopi_tz(), dt_format="short"
            )
        else:
            deadline = tools.format_date(self.env, deadline)
        return self.env._(
            "%(summary)s for %(record)s: deadline %(deadline)s.",
            summary=summary,
            record=self.display_name,
            deadline=deadline,
        )

    @api.model
    def _qualiopi_run_deadlines(self):
        """Flag overdue records and schedule one activity per milestone, once.

        Every search is bounded by the flag it then sets, so that the cost
        follows the records whose state changes, not the size of the history.
        """
        now = self._qualiopi_deadline_now()
        # 1. The overdue flag depends on the clock: recompute it where it flips.
        field = self._qualiopi_overdue_field
        becoming_late = self.search([*self._qualiopi_overdue_domain(now), (field, "=", False)])
        self.env.add_to_compute(self._fields[field], becoming_late)
        becoming_late.flush_recordset([field])

        # 2. A reminder when the milestone falls due, an escalation once late.
        todo = {}
        open_domain = self._qualiopi_deadline_open_domain()
        for milestone in self._qualiopi_deadline_milestones():
            deadline, reminder_flag, late_flag = (
                milestone["deadline"],
                milestone["reminder_flag"],
                milestone["late_flag"],
            )
            # Once late, the reminder is moot and flagged with the escalation:
            # a record notified of everything leaves this search for good.
            records = self.search(
                [
                    *open_domain,
                    *milestone["pending"],
                    (milestone["reminder"], "<=", now),
                    "|",
                    (reminder_flag, "=", False),
                    "&",
                    (deadline, "<", now),
                    (late_flag, "=", False),
                ]
            )
            late = records.filtered_domain([(deadline, "<", now), (late_flag, "=", False)])
            due = (records - late).filtered_domain([(reminder_flag, "=", False)])
            for batch, escalation, flags in (
                (due, False, [reminder_flag]),
                (late, True, [reminder_flag, late_flag]),
            ):
                for record in batch:
                    todo.setdefault(record.id, []).append((deadline, escalation, flags))
        if not todo:
            return True
        # A concurrent run holds the records it is processing: skip them rather
        # than notify them twice.
        self.env.cr.execute(
            f"SELECT id FROM {self._table} WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",  # noqa: S608 - the model's own table
            [tuple(todo)],
        )
        records = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        # One savepoint for the batch, one per record if it fails: a bad record
        # keeps its error and the others get their activities.
        records._qualiopi_process_isolated(lambda batch: batch._qualiopi_notify_deadlines(todo))
        return True

    def _qualiopi_notify_deadlines(self, todo):
        """Schedule the activities of ``todo`` ({id: [(deadline field,
        escalation, flags)]}) for these records, and set their flags.

        A reminder goes to the person responsible, an escalation to the person
        above (``_qualiopi_escalation_user``); each is written in its
        recipient's language and Odoo notifies the recipient of it, by email or
        in Odoo as they chose.
        """
        model_id = self.env["ir.model"]._get_id(self._name)
        milestones = {}  # {lang: {deadline field: milestone}}
        activities = []
        flags = {}
        for record in self:
            for deadline, escalation, milestone_flags in todo[record.id]:
                user = (
                    record._qualiopi_escalation_user()
                    if escalation
                    else record._qualiopi_responsible_user()
                )
                lang = user.lang or self.env.lang
                if lang not in milestones:
                    milestones[lang] = {
                        milestone["deadline"]: milestone
                        for milestone in self.with_context(
                            lang=lang
                        )._qualiopi_deadline_milestones()
                    }
                milestone = milestones[lang][deadline]
                localised = record.with_context(lang=lang)
                summary = milestone["late_summary" if escalation else "due_summary"]
                # HTML: the record's name (typed by a visitor) goes in as text.
                note = Markup("<p>%s</p>") % localised._qualiopi_deadline_note(milestone, summary)
                if escalation:
                    note += Markup("<p>%s</p>") % localised._qualiopi_escalation_note(
                        record._qualiopi_responsible_user()
                    )
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": record.id,
                        "activity_type_id": self.env.ref(milestone["activity_type"]).id,
                        "summary": summary,
                        "note": note,
                        "date_deadline": fields.Date.to_date(record[deadline]),
                        "user_id": user.id,
                    }
                )
                for flag in milestone_flags:
                    flags[flag] = flags.get(flag, self.browse()) | record
        for flag, records in flags.items():
            records.write({flag: True})
        # The cron runs as a user who may not be allowed to assign activities
        # to others: the records were selected by the cron's own rules above.
        # Odoo notifies each recipient of the activity assigned to them.
        self.env["mail.activity"].sudo().create(activities)

    def _qualiopi_escalation_note(self, responsible):
        """Why the recipient of an escalation receives it."""
        self.ensure_one()
        return self.env._(
            "Escalated to you: the deadline has passed and %(user)s, responsible "
            "for this record, has not done it.",
            user=responsible.name,
        )
