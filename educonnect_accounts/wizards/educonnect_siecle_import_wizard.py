import base64
import binascii

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EduconnectSiecleImportWizard(models.TransientModel):
    """Importer depuis SIECLE: upload, preview, confirm (issue 7)."""
    _name = "educonnect.siecle.import.wizard"
    _description = "Import from SIECLE"

    step = fields.Selection([("upload", "Files"), ("preview", "Preview"),
                             ("done", "Done")], default="upload",
                            required=True)
    company_id = fields.Many2one("res.company", string="Establishment",
                                 readonly=True,
                                 default=lambda self: self.env.user.company_id)
    pupils_file = fields.Binary(
        string="Pupils", help="ElevesSansAdresses.xml or ElevesAvecAdresses.xml "
        "from SIECLE, or a zip of the exports.")
    pupils_filename = fields.Char(string="Pupils file name")
    guardians_file = fields.Binary(
        string="Guardians", help="ResponsablesAvecAdresses.xml from SIECLE.")
    guardians_filename = fields.Char(string="Guardians file name")
    nomenclature_file = fields.Binary(
        string="Nomenclatures", help="Nomenclature.xml from SIECLE (the MEFs).")
    nomenclature_filename = fields.Char(string="Nomenclatures file name")
    archive_absent = fields.Boolean(
        string="Archive the pupils absent from the export", default=True,
        help="The export holds every pupil of the year: those who are not in "
             "it any more have left. Their accounts are disabled, never "
             "deleted.")
    import_id = fields.Many2one("educonnect.siecle.import", string="Report",
                                readonly=True)
    report_html = fields.Html(related="import_id.report_html", readonly=True,
                              string="Report")

    @api.multi
    def _files(self):
        self.ensure_one()
        files = []
        for field, default in (("pupils", "ElevesSansAdresses.xml"),
                               ("guardians", "ResponsablesAvecAdresses.xml"),
                               ("nomenclature", "Nomenclature.xml")):
            data = self[field + "_file"]
            if not data:
                continue
            try:
                content = base64.b64decode(data)
            except (binascii.Error, ValueError):
                raise UserError(_("The file %s could not be uploaded.")
                                % (self[field + "_filename"] or default))
            files.append((self[field + "_filename"] or default, content))
        if not files:
            raise UserError(_("Choose the SIECLE export files to import."))
        return files

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name,
                "res_id": self.id, "view_mode": "form", "target": "new",
                "name": _("Import from SIECLE")}

    @api.multi
    def action_preview(self):
        self.ensure_one()
        Import = self.env["educonnect.siecle.import"]
        Import._check_import_allowed()
        record = Import._siecle_run(self._files(), apply=False,
                                    archive_absent=self.archive_absent,
                                    record=self.import_id or None)
        self.write({"import_id": record.id, "step": "preview"})
        return self._reopen()

    @api.multi
    def action_back(self):
        self.step = "upload"
        return self._reopen()

    @api.multi
    def action_confirm(self):
        """Plan again on the current data and apply it: all or nothing."""
        self.ensure_one()
        Import = self.env["educonnect.siecle.import"]
        Import._check_import_allowed()
        record = Import._siecle_run(self._files(), apply=True,
                                    archive_absent=self.archive_absent,
                                    record=self.import_id or None)
        # The files hold personal data: not kept once imported.
        self.write({"import_id": record.id, "step": "done",
                    "pupils_file": False, "guardians_file": False,
                    "nomenclature_file": False})
        return self._reopen()

    @api.multi
    def action_open_report(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window",
                "res_model": "educonnect.siecle.import",
                "res_id": self.import_id.id, "view_mode": "form",
                "name": _("SIECLE import")}
