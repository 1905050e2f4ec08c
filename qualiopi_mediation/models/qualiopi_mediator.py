from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html2plaintext


class QualiopiMediator(models.Model):
    _name = "qualiopi.mediator"
    _description = "Consumer mediator"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    website = fields.Char(
        required=True,
        tracking=True,
        help="Where a consumer files a case online: told to every complainant.",
    )
    email = fields.Char(tracking=True)
    phone = fields.Char()
    street = fields.Char(tracking=True)
    street2 = fields.Char()
    zip = fields.Char(tracking=True)
    city = fields.Char(tracking=True)
    country_id = fields.Many2one(
        comodel_name="res.country",
        default=lambda self: self.env.ref("base.fr", raise_if_not_found=False),
        tracking=True,
    )
    postal_address = fields.Char(compute="_compute_postal_address")
    convention_reference = fields.Char(
        string="Convention reference",
        tracking=True,
        help="Reference of the agreement signed with the mediator (membership, contract number).",
    )
    convention_date = fields.Date(string="Convention date", tracking=True)
    is_listed = fields.Boolean(
        string="Listed consumer mediator",
        tracking=True,
        help="Listed by the Commission d'évaluation et de contrôle de la médiation "
        "de la consommation (CECMC), as the Code de la consommation requires for "
        "disputes with individuals (article L613-1).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Empty: the mediator can be chosen by every company of the database.",
    )
    note = fields.Text(string="Notes")
    company_ids = fields.One2many(
        comodel_name="res.company",
        inverse_name="qualiopi_mediator_id",
        string="Used by",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("street", "street2", "zip", "city", "country_id")
    def _compute_postal_address(self):
        for mediator in self:
            town = " ".join(part for part in (mediator.zip, mediator.city) if part)
            parts = [mediator.street, mediator.street2, town, mediator.country_id.name]
            mediator.postal_address = ", ".join(part for part in parts if part)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("website", "street", "zip", "city")
    def _check_contact_details(self):
        for mediator in self:
            website = (mediator.website or "").strip()
            if not website.lower().startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._(
                        "The website of the mediator %(mediator)s must be a web "
                        "address starting with https:// (for example "
                        "https://www.mediateur.example.org): complainants are told to "
                        "file their case there.",
                        mediator=mediator.name,
                    )
                )
            if not (mediator.street and mediator.zip and mediator.city):
                raise ValidationError(
                    self.env._(
                        "The postal address of the mediator %(mediator)s is "
                        "incomplete: the Code de la consommation requires the street, "
                        "the postal code and the city to be given to consumers.",
                        mediator=mediator.name,
                    )
                )

    @api.constrains("convention_date")
    def _check_convention_date(self):
        today = fields.Date.context_today(self)
        for mediator in self:
            if mediator.convention_date and mediator.convention_date > today:
                raise ValidationError(
                    self.env._(
                        "The convention with the mediator %(mediator)s cannot be "
                        "dated in the future.",
                        mediator=mediator.name,
                    )
                )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _qualiopi_notice_html(self):
        """The information owed to a complainant (L612-1, L616-1, R616-1).

        Rendered in the language of the environment, i.e. the complainant's
        language when called from a mail template.
        """
        self.ensure_one()
        website = escape(self.website or "")
        mediator = self.name
        if self.is_listed:
            intro = self.env._(
                "If our answer does not satisfy you, you may refer the dispute free "
                "of charge to the consumer mediator %(mediator)s, listed by the "
                "Commission d'évaluation et de contrôle de la médiation de la "
                "consommation:",
                mediator=mediator,
            )
        else:
            intro = self.env._(
                "If our answer does not satisfy you, you may refer the dispute free "
                "of charge to our mediator %(mediator)s:",
                mediator=mediator,
            )
        details = [
            Markup("%s <a href='%s'>%s</a>") % (self.env._("Website:"), website, website),
            Markup("%s %s") % (self.env._("Postal address:"), self.postal_address),
        ]
        if self.email:
            details.append(Markup("%s %s") % (self.env._("Email:"), self.email))
        conditions = self.env._(
            "Conditions: the mediator can only be asked after a prior written "
            "complaint to us, and within one year of that complaint. Mediation is "
            "free for you. It is optional: nothing obliges you to try it before "
            "going to court, and you remain free to go to court at any time "
            "(Code de la consommation, article L612-4)."
        )
        return Markup(
            "<div class='o_qualiopi_mediation_notice'>"
            "<p><strong>%s</strong></p><p>%s</p><ul>%s</ul><p>%s</p></div>"
        ) % (
            self.env._("Mediation"),
            intro,
            Markup("").join(Markup("<li>%s</li>") % line for line in details),
            conditions,
        )

    def _qualiopi_is_in_message(self, message):
        """Whether a sent message told the complainant about this mediator."""
        self.ensure_one()
        text = " ".join(html2plaintext(message.body or "").split()).lower()
        name = " ".join((self.name or "").split()).lower()
        return bool(name) and name in text
