import io

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from odoo import models
from odoo.tools.pdf import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    PdfFileReader,
    PdfFileWriter,
)

from ..report import qualiopi_indicator31_register_read as read_mod

_FONT = "/QualiopiStampFont"
_FONT_SIZE = 7


def _pdf_text(text):
    """A PDF string literal in WinAnsi (Helvetica's encoding)."""
    data = text.encode("cp1252", "replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _add_object(writer, obj):
    add = getattr(writer, "_add_object", None) or writer._addObject
    return add(obj)


def stamp_pages(pdf, left_text, page_label):
    """Write ``left_text`` and ``page_label`` (a format with ``%(page)s`` and
    ``%(pages)s``) at the foot of every page of ``pdf``.

    Done on the finished PDF rather than by wkhtmltopdf's footer, which the
    Debian build of wkhtmltopdf (unpatched Qt) ignores. Each page gets one
    more small content stream and a standard font: its own streams are copied
    as they are, never decoded, so that a register of hundreds of pages is
    stamped in a fraction of a second."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False, overwriteWarnings=False)
    writer = PdfFileWriter()
    font = _add_object(
        writer,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        ),
    )
    # The page's own streams are wrapped in q ... Q, so that the state they
    # leave (a scale, a colour) does not move or hide the stamp.
    save_state = DecodedStreamObject()
    (getattr(save_state, "set_data", None) or save_state.setData)(b"q")
    save_state = _add_object(writer, save_state)
    pages = reader.getNumPages()
    margin, base = 10 * mm, 7 * mm
    for number in range(pages):
        page = reader.getPage(number)
        width = float(abs(page.mediaBox.getWidth()))
        label = page_label % {"page": number + 1, "pages": pages}
        label_x = width - margin - stringWidth(label, "Helvetica", _FONT_SIZE)
        operators = (
            b"Q q 0.3 g BT %s %d Tf %.2f %.2f Td %s Tj ET BT %s %d Tf %.2f %.2f Td %s Tj ET Q"
            % (
                _FONT.encode(),
                _FONT_SIZE,
                margin,
                base,
                _pdf_text(left_text),
                _FONT.encode(),
                _FONT_SIZE,
                label_x,
                base,
                _pdf_text(label),
            )
        )
        stream = DecodedStreamObject()
        (getattr(stream, "set_data", None) or stream.setData)(operators)
        stamp = _add_object(writer, stream)
        if "/Resources" not in page:
            page[NameObject("/Resources")] = DictionaryObject()
        resources = page["/Resources"].getObject()
        if "/Font" not in resources:
            resources[NameObject("/Font")] = DictionaryObject()
        resources["/Font"].getObject()[NameObject(_FONT)] = font
        contents = page.get("/Contents")
        contents = contents.getObject() if contents is not None else ArrayObject()
        if not isinstance(contents, ArrayObject):
            contents = ArrayObject([page["/Contents"]])
        page[NameObject("/Contents")] = ArrayObject([save_state, *contents, stamp])
        writer.addPage(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_template(self, template, values=None):
        """The audit report's register rows (``qualiopi_register_rows``:
        {placeholder: UTF-8 bytes}, escaped when written) take the place of
        their placeholder in the rendered page: through QWeb, the 3 MB of a
        10,000-record register were copied five times and encoded again."""
        html = super()._render_template(template, values)
        for placeholder, pending in ((values or {}).get("qualiopi_register_rows") or {}).items():
            rows = read_mod.rows_bytes(pending)
            if not rows:
                continue  # an empty register prints a sentence, no table
            if placeholder not in html:
                # Rows the page would silently lack: evidence, never dropped.
                raise ValueError("The register's placeholder is missing from the rendered report.")
            html = html.replace(placeholder, rows, 1)
        return html

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """A report whose record gives a stamp (``_qualiopi_pdf_stamp``:
        the foot's text and the page label, in the report's language) gets it
        on every page: "x / y", the organisation, the period, the date."""
        content, report_type = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if report_type != "pdf" or not res_ids:
            return content, report_type
        report = self._get_report(report_ref)
        records = self.env[report.model].browse(res_ids)
        if len(records) == 1 and hasattr(records, "_qualiopi_pdf_stamp"):
            left_text, page_label = records._qualiopi_pdf_stamp()
            content = stamp_pages(content, left_text, page_label)
        return content, report_type
