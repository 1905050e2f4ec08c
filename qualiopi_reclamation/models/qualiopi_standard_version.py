import datetime

from odoo import api, fields, models


class QualiopiStandardVersion(models.Model):
    """A version of the national quality standard (Référentiel national
    qualité) and the date it applies to audits from. Its indicators and their
    numbers are data (``qualiopi.standard.indicator``): the audit report and
    the evidence cite the version in force on the audit date, so a new
    numbering is a change of data, not of code."""

    _name = "qualiopi.standard.version"
    _description = "Qualiopi Standard Version"
    _order = "date_from desc, id desc"

    name = fields.Char(string="Version", required=True)
    decree = fields.Char(help="The text that sets this version, e.g. Décret n° 2019-565.")
    date_from = fields.Date(
        string="In force from", required=True, help="Audits from this date use this version."
    )
    active = fields.Boolean(default=True)
    indicator_ids = fields.One2many(
        comodel_name="qualiopi.standard.indicator",
        inverse_name="version_id",
        string="Indicators",
        copy=True,
    )
    indicator_count = fields.Integer(compute="_compute_indicator_count")

    _sql_constraints = [
        (
            "date_from_uniq",
            "unique(date_from)",
            "Two versions of the standard cannot come into force on the same day.",
        ),
    ]

    @api.depends("indicator_ids")
    def _compute_indicator_count(self):
        for version in self:
            version.indicator_count = len(version.indicator_ids)

    @api.model
    def _qualiopi_in_force(self, date=None):
        """The version in force on ``date`` (a date, a datetime or a string;
        today by default): the active version with the latest start on or
        before it. Read as superuser: the standard is public reference data,
        cited in what any Qualiopi user prints."""
        if not date:
            date = fields.Date.context_today(self)
        elif isinstance(date, datetime.datetime):
            date = date.date()
        else:
            date = fields.Date.to_date(date)
        return self.sudo().search([("date_from", "<=", date)], order="date_from desc", limit=1)

    @api.model
    def _qualiopi_indicator_number(self, key, date=None):
        """The number of the indicator ``key`` (``complaints``,
        ``improvement``, ``risk_analysis``...) in the version in force on
        ``date``; False when that version has no such indicator."""
        return self._qualiopi_in_force(date)._qualiopi_numbers().get(key, False)

    def _qualiopi_numbers(self):
        """{key: number} of this version's indicators ({} for no version)."""
        return {indicator.key: indicator.number for indicator in self[:1].indicator_ids}

    def _qualiopi_citation(self):
        """This version as the report and the evidence cite it (plain values),
        or an empty citation when no version is in force."""
        if not self:
            return {"name": "", "decree": "", "date_from": "", "numbers": {}, "names": {}}
        self.ensure_one()
        return {
            "name": self.name,
            "decree": self.decree or "",
            "date_from": fields.Date.to_string(self.date_from),
            "numbers": self._qualiopi_numbers(),
            "names": {indicator.key: indicator.name for indicator in self.indicator_ids},
        }
