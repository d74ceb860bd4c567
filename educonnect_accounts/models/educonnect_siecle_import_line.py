"""The lines of the report of a SIECLE import."""
from odoo import fields, models

LINE_KINDS = [("pupil", "Pupil"), ("guardian", "Guardian"),
              ("link", "Legal responsibility"), ("mef", "MEF"),
              ("quality", "Data quality")]
LINE_RESULTS = [("rejected", "Rejected"), ("archived", "Archived"),
                ("quality", "To check")]


class EduconnectSiecleImportLine(models.Model):
    """A rejected row, an archived person or a data-quality warning."""
    _name = "educonnect.siecle.import.line"
    _description = "SIECLE import report line"
    _order = "import_id, id"
    _rec_name = "reason"

    import_id = fields.Many2one("educonnect.siecle.import", required=True,
                                index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="import_id.company_id", store=False,
                                 readonly=True, string="Establishment")
    kind = fields.Selection(LINE_KINDS, string="Row", readonly=True)
    result = fields.Selection(LINE_RESULTS, readonly=True)
    line = fields.Integer(string="Line in the file", readonly=True)
    siecle_id = fields.Char(string="SIECLE id", readonly=True)
    name = fields.Char(readonly=True)
    reason = fields.Char(readonly=True)
