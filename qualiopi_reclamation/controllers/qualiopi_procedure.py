from odoo import http
from odoo.http import request


class QualiopiProcedureController(http.Controller):
    """The public part of the procedure, as a printable page and a PDF that the
    organisation links from its website or attaches to its welcome booklet."""

    def _qualiopi_procedure(self, company_id=None):
        Company = request.env["res.company"].sudo()
        company = Company.browse(int(company_id)).exists() if company_id else None
        if not company:
            company = request.env.company.sudo()
        return request.env["qualiopi.procedure"].sudo()._qualiopi_for_company(company)

    @http.route("/qualiopi/procedure", type="http", auth="public", methods=["GET"])
    def qualiopi_procedure_page(self, company_id=None, **kwargs):
        try:
            procedure = self._qualiopi_procedure(company_id)
        except ValueError:
            return request.not_found()
        return request.render(
            "qualiopi_reclamation.procedure_public_page",
            {
                "proc": procedure._qualiopi_procedure_data(),
                "lang": request.env.lang,
                "pdf_url": f"/qualiopi/procedure/pdf?company_id={procedure.company_id.id}",
            },
        )

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
