from odoo import api, fields, models

# What a course leads to: its follow-up survey comes later for some kinds (a
# skills assessment is followed up six months after it ends).
COURSE_KINDS = [
    ("training", "Training"),
    ("skills_assessment", "Skills assessment (bilan de compétences)"),
    ("vae", "Accreditation of prior learning (VAE)"),
    ("apprenticeship", "Apprenticeship"),
]


class EventType(models.Model):
    _name = "event.type"
    _inherit = ["event.type", "qualiopi.survey.settings.mixin"]

    qualiopi_course_kind = fields.Selection(
        selection=COURSE_KINDS,
        string="Course kind",
        default="training",
        required=True,
        help="Gives the course its default follow-up delay (company settings): "
        "six months for a skills assessment, the general delay otherwise.",
    )

    def _qualiopi_settings_source(self):
        # A course belongs to no company: a new one starts from the settings
        # of the company it is created in.
        self.ensure_one()
        return self.env.company

    def _qualiopi_settings_values(self, source):
        values = super()._qualiopi_settings_values(source)
        # A follow-up delay given on creation is kept (no recomputation then).
        values["qualiopi_cold_delay"] = source._qualiopi_cold_delay_of(self.qualiopi_course_kind)
        return values

    @api.onchange("qualiopi_course_kind")
    def _onchange_qualiopi_course_kind(self):
        # In the form, another kind brings its default delay, which stays
        # editable; a kind written otherwise leaves the course's delay alone.
        self.qualiopi_cold_delay = self.env.company._qualiopi_cold_delay_of(
            self.qualiopi_course_kind
        )
