import io

from reportlab.pdfgen import canvas

from odoo.tests import TransactionCase, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.qualiopi_reclamation.hooks import set_report_layout
from odoo.addons.qualiopi_reclamation.models.ir_actions_report import stamp_pages


def _pdf(pages):
    stream = io.BytesIO()
    document = canvas.Canvas(stream)
    for number in range(pages):
        document.drawString(100, 700, f"Contenu {number + 1}")
        document.showPage()
    document.save()
    return stream.getvalue()


@tagged("post_install", "-at_install")
class TestPdfStamp(TransactionCase):
    def test_every_page_stamped(self):
        pdf = stamp_pages(
            _pdf(3),
            "Organisme Formation Lyon — du 01/01/2026 au 31/12/2026 — édité le 02/12/2026",
            "Page %(page)s / %(pages)s",
        )
        reader = PdfFileReader(io.BytesIO(pdf), strict=False, overwriteWarnings=False)
        self.assertEqual(reader.getNumPages(), 3)
        for number in range(3):
            text = reader.getPage(number).extractText()
            self.assertIn(f"Contenu {number + 1}", text)
            self.assertIn(f"Page {number + 1} / 3", text)
            self.assertIn("Organisme Formation Lyon", text)
            self.assertIn("édité le 02/12/2026", text)

    def test_layout_configured(self):
        """The first print never stops on Odoo's document-layout dialog."""
        company = self.env["res.company"].create({"name": "Organisme sans mise en page"})
        company.external_report_layout_id = False
        set_report_layout(self.env)
        self.assertEqual(
            company.external_report_layout_id, self.env.ref("web.external_layout_standard")
        )
        self.assertFalse(
            self.env["res.company"].search([("external_report_layout_id", "=", False)])
        )
