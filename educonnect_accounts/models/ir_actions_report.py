from odoo import _, api, models
from odoo.exceptions import UserError

from ..reports.pdf import PrintError, render_documents_pdf


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.multi
    def render_educonnect_pdf(self, docids, data=None):
        """PDF bytes of this report, drawn entirely in its own page body.

        For other addons' self-contained QWeb documents (their own small
        stylesheet, header and footer in the body), such as the statistics:
        rendered in French by QWeb and given straight to wkhtmltopdf with
        the report's paper format, without Odoo's Bootstrap bundle fetched
        over HTTP and its header and footer printed as separate documents
        (about 13 s and 750 MiB for 200 letters). The values come from the
        report's ``get_report_values``, with the caller's rights, as in
        ``render_qweb_pdf``.
        """
        return self.render_educonnect_documents_pdf([(docids, data or {})])

    @api.multi
    def render_educonnect_documents_pdf(self, documents):
        """One PDF of several documents of this report, their pages in
        order: ``documents`` is a list of (docids, data), each rendered by
        QWeb and printed by its own wkhtmltopdf process, as many at once as
        the server has processors (``reports/pdf.py``)."""
        self.ensure_one()
        try:
            return render_documents_pdf(self, documents)
        except PrintError as exc:
            code, message = exc.args
            raise UserError(_("Wkhtmltopdf failed (error code: %s). "
                              "Message: %s") % (code, message))
