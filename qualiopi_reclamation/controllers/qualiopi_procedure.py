import hashlib

from odoo import http
from odoo.http import request

from .public_page import frame_headers, named_company, page_values


class QualiopiProcedureController(http.Controller):
    """The public part of the procedure, in the public pages' frame (company
    brand, language switch), as a printable page and as a PDF that the
    organisation links from its website or attaches to its welcome booklet."""

    def _qualiopi_procedure(self, company_id=None):
        """The company's procedure; a visitor's request never creates it: until
        the organisation saves it, the page shows the default text, unsaved.

        As superuser: the procedure is published to anyone, who has no right
        on procedures; nothing is written here. A ``company_id`` naming no
        company raises ValueError (the callers answer 404).
        """
        company = named_company(company_id)
        if not company:
            raise ValueError(company_id)
        Procedure = request.env["qualiopi.procedure"].sudo()
        return Procedure.search([("company_id", "=", company.id)], limit=1) or Procedure.new(
            {
                "company_id": company.id,
                "introduction": Procedure._qualiopi_default_introduction(company),
            }
        )

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
        company = procedure.company_id
        values = page_values(company, embed=kwargs.get("embed"))
        query = f"?company_id={company.id}" if company_id else ""
        values.update(
            {
                "proc": procedure._qualiopi_procedure_data(),
                "printable": printable,
                "no_header": printable or values["no_header"],
                "no_footer": printable or values["no_footer"],
                "pdf_url": procedure.id and f"/qualiopi/procedure/pdf?company_id={company.id}",
                # One PDF per installed language, whatever the page's language.
                "pdf_links": procedure.id
                and [
                    (code, name, f"/qualiopi/procedure/pdf?company_id={company.id}&lang={code}")
                    for code, _url_code, name in values["languages"]
                ],
                "print_url": f"/qualiopi/procedure/print{query}",
            }
        )
        response = request.render("qualiopi_reclamation.public_procedure", values)
        return frame_headers(response, kwargs.get("embed"))

    @http.route("/qualiopi/procedure/pdf", type="http", auth="public", methods=["GET"])
    def qualiopi_procedure_pdf(self, company_id=None, lang=None, **kwargs):
        if lang and lang in dict(request.env["res.lang"].get_installed()):
            request.update_context(lang=lang)
        try:
            procedure = self._qualiopi_procedure(company_id)
        except ValueError:
            return request.not_found()
        if not procedure.id:
            return request.not_found()
        pdf = self._qualiopi_procedure_pdf(procedure)
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

    def _qualiopi_procedure_pdf(self, procedure):
        """The PDF of the procedure, rendered once per version, company,
        language and content, then served from an attachment of the procedure:
        a public URL must not start wkhtmltopdf at each request.

        The key holds a digest of what the procedure is written from (its data,
        the company's and the procedure's last change), so that a change of the
        configuration (deadlines, channels, mediator, letterhead) makes a new PDF
        even within a version.
        """
        report_name = "qualiopi_reclamation.report_qualiopi_procedure"
        # The published procedure (read as superuser, see _qualiopi_procedure)
        # is rendered and cached as the system: a visitor may neither print
        # reports nor write attachments, and gets only this PDF back.
        Report = request.env["ir.actions.report"].sudo()
        company = procedure.company_id
        lang = request.env.lang or ""
        source = repr(
            (
                procedure._qualiopi_procedure_data(),
                procedure.write_date,
                company.write_date,
                company.partner_id.write_date,
            )
        )
        key = (
            f"qualiopi_procedure_pdf:{procedure.version}:{company.id}:{lang}:"
            + hashlib.sha256(source.encode()).hexdigest()
        )
        Attachment = request.env["ir.attachment"].sudo()  # the cache, as the system (above)
        cached_domain = [
            ("res_model", "=", procedure._name),
            ("res_id", "=", procedure.id),
            ("res_field", "=", False),
            ("description", "=like", f"qualiopi_procedure_pdf:%:{lang}:%"),
        ]
        cached = Attachment.search(cached_domain)
        hit = cached.filtered(lambda attachment: attachment.description == key)[:1]
        if hit:
            return hit.raw
        pdf, _type = Report._render_qweb_pdf(report_name, procedure.ids)
        cached.unlink()
        Attachment.create(
            {
                "name": f"procedure-v{procedure.version}-{lang or 'default'}.pdf",
                "description": key,
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": procedure._name,
                "res_id": procedure.id,
            }
        )
        return pdf
