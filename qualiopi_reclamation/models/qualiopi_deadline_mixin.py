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
            for batch, summary, flags in (
                (due, milestone["due_summary"], [reminder_flag]),
                (late, milestone["late_summary"], [reminder_flag, late_flag]),
            ):
                for record in batch:
                    todo.setdefault(record.id, []).append((milestone, summary, flags))
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
        """Schedule the activities of ``todo`` ({id: [(milestone, summary,
        flags)]}) for these records, and set their flags."""
        model_id = self.env["ir.model"]._get_id(self._name)
        activities = []
        flags = {}
        for record in self:
            for milestone, summary, milestone_flags in todo[record.id]:
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": record.id,
                        "activity_type_id": self.env.ref(milestone["activity_type"]).id,
                        "summary": summary,
                        # HTML: the record's name (typed by a visitor) goes in as text.
                        "note": Markup("<p>%s</p>")
                        % record._qualiopi_deadline_note(milestone, summary),
                        "date_deadline": fields.Date.to_date(record[milestone["deadline"]]),
                        "user_id": record._qualiopi_responsible_user().id,
                    }
                )
                for flag in milestone_flags:
                    flags[flag] = flags.get(flag, self.browse()) | record
        for flag, records in flags.items():
            records.write({flag: True})
        # The cron runs as a user who may not be allowed to assign activities
        # to others: the records were selected by the cron's own rules above.
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            activities
        )
