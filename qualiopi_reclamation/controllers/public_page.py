"""The frame shared by the public pages (complaint form, confirmation,
published procedure): the company's public details, the language switch and
the headers that let the organisation's own website embed them."""

import re

from odoo.http import request

# Sites allowed to embed the public pages: a system parameter holding origins
# separated by spaces or commas (like https://www.example.com), "*" by default.
EMBED_ORIGINS_PARAM = "qualiopi_reclamation.embed_allowed_origins"
EMBED_ORIGIN_RE = re.compile(r"^(\*|'self'|https?://[A-Za-z0-9.\-*]+(:[0-9]{1,5})?)$")


def public_company(company=None):
    """The company whose public pages are shown (the request's by default).

    As superuser: a visitor has no right on companies, and these pages show
    only what the organisation publishes (name, logo, deadlines, mediator).
    """
    return (company or request.env.company).sudo()


def named_company(company_id):
    """The company a public URL names with ``?company_id=`` (the request's
    when it names none), or ``None`` when it names no company: the caller
    answers 404 rather than show another organisation's page."""
    if not company_id:
        return public_company()
    try:
        # As superuser: visitors have no right on companies; it is only looked up.
        company = request.env["res.company"].sudo().browse(int(company_id)).exists()
    except ValueError:
        return None
    return company or None


def page_values(company, embed=False):
    """The values every public page is rendered with."""
    company = public_company(company)
    return {
        "company": company,
        "res_company": company,
        "mediator": company._qualiopi_public_mediator(),
        "ack_days": company.qualiopi_ack_days,
        "response_days": company.qualiopi_response_days,
        "embed": bool(embed),
        "no_header": bool(embed),
        "no_footer": bool(embed),
        "languages": [
            (lang.code, lang.url_code, lang.name)
            for lang in request.env["res.lang"]._get_frontend().values()
        ],
    }


def lang_prefix(embed):
    """In an iframe the language cookie is not sent: the URL keeps the language."""
    lang = getattr(request, "lang", None)
    return f"/{lang.url_code}" if embed and lang else ""


def frame_headers(response, embed):
    """Embedded pages may be framed by the allowed sites; other pages are left as they are."""
    if embed:
        # A system parameter, which visitors cannot read: only the origins
        # it lists are published, in the header that browsers require.
        value = request.env["ir.config_parameter"].sudo().get_param(EMBED_ORIGINS_PARAM) or "*"
        origins = [origin for origin in re.split(r"[\s,]+", value) if EMBED_ORIGIN_RE.match(origin)]
        ancestors = " ".join(origins) or "'self'"
        response.headers.pop("X-Frame-Options", None)
        response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    return response
