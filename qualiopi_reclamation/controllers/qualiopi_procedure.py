from odoo import http
from odoo.http import request

from .main import QualiopiPublicForm


class QualiopiProcedureController(http.Controller):
    """The public part of the procedure, in the public pages' frame (company
    brand, language switch), as a printable page and as a PDF that the
    organisation links from its website or attaches to its welcome booklet."""

    def _qualiopi_procedure(self, company_id=None):
        Company = request.env["res.company"].sudo()
        company = Company.browse(int(company_id)).exists() if company_id else None
        if not company:
            company = request.env.company.sudo()
        return request.env["qualiopi.procedure"].sudo()._qualiopi_for_company(company)

    @http.route(
        "/qualiopi/procedure",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=True,
    )
    def qualiopi_procedure_page(self, company_id=None, **kwargs):
        return self._qualiopi_render_procedure(company_id, printable=False, **kwargs)

    @http.route(
        "/qualiopi/procedure/print",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def qualiopi_procedure_print(self, company_id=None, **kwargs):
        return self._qualiopi_render_procedure(company_id, printable=True, **kwargs)

    def _qualiopi_render_procedure(self, company_id, printable=False, **kwargs):
        try:
            procedure = self._qualiopi_procedure(company_id)
        except ValueError:
            return request.not_found()
        company = procedure.company_id.sudo()
        values = QualiopiPublicForm()._qualiopi_page_values(company, embed=kwargs.get("embed"))
        query = f"?company_id={company.id}" if company_id else ""
        values.update(
            {
                "proc": procedure._qualiopi_procedure_data(),
                "printable": printable,
                "no_header": printable or values["no_header"],
                "no_footer": printable or values["no_footer"],
                "pdf_url": f"/qualiopi/procedure/pdf?company_id={company.id}",
                "print_url": f"/qualiopi/procedure/print{query}",
            }
        )
        response = request.render("qualiopi_reclamation.public_procedure", values)
        return QualiopiPublicForm()._qualiopi_frame_headers(response, kwargs.get("embed"))

    @http.route("/qualiopi/procedure/pdf", type="http", auth="public", methods=["GET"])
    def qualiopi_procedure_pdf(self, company_id=None, **kwargs):
        try:
            procedure = self._qualiopi_procedure(company_id)
        except ValueError:
            return request.not_found()
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("qualiopi_reclamation.report_qualiopi_procedure", procedure.ids)
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                (
                    "Content-Disposition",
                    f'inline; filename="procedure-v{procedure.version}.pdf"',
                ),
            ],
        )
