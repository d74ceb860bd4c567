from odoo import api, models

from ..reports.pdf import render_standalone_pdf


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
        self.ensure_one()
        return render_standalone_pdf(self, docids, data or {})
