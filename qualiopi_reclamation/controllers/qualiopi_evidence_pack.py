from odoo import http
from odoo.http import request


class QualiopiEvidencePackController(http.Controller):
    @http.route(
        "/qualiopi/evidence_pack/<int:pack_id>/download",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def download(self, pack_id):
        """The pack's ZIP, for whoever may read the pack (record rules and
        rights checked as the user), the download logged for auditors."""
        pack = request.env["qualiopi.evidence.pack"].browse(pack_id).exists()
        if not pack:
            raise request.not_found()
        pack.check_access("read")
        if pack.state != "done" or not pack.attachment_id:
            raise request.not_found()
        # The user's read access to the pack was checked above, and its ZIP
        # is part of the pack: served as superuser, whoever built it.
        attachment = pack.sudo().attachment_id
        stream = request.env["ir.binary"]._get_stream_from(attachment)
        request.env["qualiopi.auditor.access.log"]._qualiopi_log(
            "download", pack, name=attachment.name
        )
        return stream.get_response(as_attachment=True)
