"""« Fiche de la classe »: the class teacher's sheet of the accounts of a
class (pupil, identifiant, state of the account, last connection), one
class per page. No INE, no date of birth, no password: it is handed to a
teacher, not to the pupils."""
from odoo import api, fields, models

from .pdf import render_standalone_pdf

REPORT = "educonnect_accounts.report_class_sheet"


class ReportClassSheet(models.AbstractModel):
    _name = "report.educonnect_accounts.report_class_sheet"
    _description = "Class sheet"

    @api.model
    def get_report_values(self, docids, data=None):
        classes = self.env["educonnect.class"].browse(docids)
        # In school order, each with its pupils (as the user sees them).
        classes = classes.search([("id", "in", classes.ids)])
        pupils = self.env["educonnect.student"].search(
            [("class_id", "in", classes.ids)])
        states = dict(pupils._fields["state"]._description_selection(self.env))
        return {
            "doc_ids": classes.ids, "doc_model": "educonnect.class",
            "docs": classes,
            "pupils": {c.id: pupils.filtered(lambda p, c=c: p.class_id == c)
                       for c in classes},
            "states": states,
            "today": fields.Date.from_string(
                fields.Date.context_today(self)).strftime("%d/%m/%Y"),
            "fmt_datetime": lambda value: fields.Datetime.context_timestamp(
                self, fields.Datetime.from_string(value)).strftime("%d/%m/%Y")
            if value else "",
        }


class IrActionsReportClassSheet(models.Model):
    _inherit = "ir.actions.report"

    @api.multi
    def render_qweb_pdf(self, res_ids=None, data=None):
        # The class sheet is a self-contained document (reports/pdf.py):
        # printed from the form as the lists are, without Odoo's bundle.
        if len(self) == 1 and self.report_name == REPORT:
            return render_standalone_pdf(self, res_ids, data or {}), "pdf"
        return super().render_qweb_pdf(res_ids, data=data)
