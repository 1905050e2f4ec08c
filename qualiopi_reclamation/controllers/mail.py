from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController
from odoo.addons.mail.controllers.thread import ThreadController


def check_evidence_write(thread_model, thread_id):
    """The mail routes post and attach as superuser once the user may *read*
    the thread (`_mail_post_access` of tickets): on Qualiopi evidence, an
    internal user must be able to write it (the auditor only reads)."""
    if thread_model not in request.env:
        return
    thread = request.env[thread_model].browse(int(thread_id)).exists()
    if getattr(thread, "_qualiopi_check_evidence_write", None):
        thread._qualiopi_check_evidence_write()


class QualiopiThreadController(ThreadController):
    @http.route()
    def mail_message_post(self, thread_model, thread_id, post_data, context=None, **kwargs):
        check_evidence_write(thread_model, thread_id)
        return super().mail_message_post(
            thread_model, thread_id, post_data, context=context, **kwargs
        )


class QualiopiAttachmentController(AttachmentController):
    @http.route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        check_evidence_write(thread_model, thread_id)
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
