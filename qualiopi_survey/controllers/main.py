from odoo import http
from odoo.http import request

from odoo.addons.qualiopi_reclamation.controllers.public_page import (
    frame_headers,
    lang_prefix,
    named_company,
    page_values,
)


class QualiopiPublicResults(http.Controller):
    """The published satisfaction results (indicator 2), as a page and as a
    block the organisation embeds in its own website. Figures are gathered
    by ``qualiopi.public.results``: only aggregates, never a name."""

    @http.route(
        "/qualiopi/results",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=True,
    )
    def qualiopi_results_page(self, company_id=None, **kwargs):
        return self._qualiopi_render_results(company_id, embed=False)

    @http.route(
        "/qualiopi/results/embed",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def qualiopi_results_embed(self, company_id=None, **kwargs):
        return self._qualiopi_render_results(company_id, embed=True)

    def _qualiopi_render_results(self, company_id, embed):
        company = named_company(company_id)
        if not company:
            return request.not_found()
        Results = request.env["qualiopi.public.results"]
        values = page_values(company, embed=embed)
        query = f"?company_id={company.id}" if company_id else ""
        values.update(
            {
                "results": Results._qualiopi_results_display(company),
                # In an iframe the link keeps the language (no cookie there).
                "page_url": f"{company.get_base_url()}{lang_prefix(embed)}/qualiopi/results{query}",
            }
        )
        response = request.render("qualiopi_survey.public_results", values)
        return frame_headers(response, embed)
