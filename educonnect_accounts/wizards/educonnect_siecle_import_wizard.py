import base64
import binascii

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

FILE_FIELDS = ("pupils", "guardians", "nomenclature")


class EduconnectSiecleImportWizard(models.TransientModel):
    """Importer depuis SIECLE: upload, preview, confirm (issue 7).

    The uploaded files hold the personal data of minors: they are erased
    from the wizard as soon as they are read, whether the preview succeeds
    or the files are refused (the refusal is then shown in the wizard, so
    that the erasure is committed); the preview keeps what the confirmation
    needs in its import record: the rows read, not the files.

    The import record shown (``import_id``) is set by the server only: a
    client choosing it would have the import overwrite any report it names.
    """
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
    error = fields.Text(string="Files refused", readonly=True)

    @api.model
    def create(self, vals):
        # Who may not import does not even store files here.
        self.env["educonnect.siecle.import"]._check_import_allowed()
        wizard = super().create(vals)
        # Given in vals or as a default of the context: refused alike.
        if wizard.import_id:
            raise AccessError(self._report_set_by_server())
        return wizard

    @api.multi
    def write(self, vals):
        if "import_id" in vals and self.env.uid != SUPERUSER_ID:
            raise AccessError(self._report_set_by_server())
        return super().write(vals)

    def _report_set_by_server(self):
        return _("The report of a SIECLE import is chosen by the import "
                 "itself: it cannot be set.")

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
    def _erase_files(self, **vals):
        """The uploads hold personal data: nothing kept once read."""
        vals.setdefault("error", False)
        for field in FILE_FIELDS:
            vals.update({field + "_file": False, field + "_filename": False})
        self.write(vals)

    @api.multi
    def action_preview(self):
        """Read the files and show what the import would do; the files are
        erased in any case, a refusal is shown on the files step."""
        self.ensure_one()
        Import = self.env["educonnect.siecle.import"]
        Import._check_import_allowed()
        try:
            with self.env.cr.savepoint():
                record = Import._siecle_run(
                    self._files(), apply=False,
                    archive_absent=self.archive_absent,
                    record=self.import_id or None)
        except UserError as exc:
            self._erase_files(error=exc.name, step="upload")
            return self._reopen()
        self._erase_files()
        # sudo: write() refuses import_id to clients; the user's own preview.
        self.sudo().write({"import_id": record.id, "step": "preview"})
        return self._reopen()

    @api.multi
    def action_back(self):
        self.step = "upload"
        return self._reopen()

    @api.multi
    def action_confirm(self):
        """Import what the preview showed, planned again on the current
        data: all or nothing (the preview's record checks it is the
        user's own and not done yet)."""
        self.ensure_one()
        self.env["educonnect.siecle.import"]._check_import_allowed()
        if not self.import_id:
            raise UserError(_("Preview the files before confirming the "
                              "import."))
        self.import_id._siecle_confirm()
        # Files a client uploaded after the preview are not imported: erased.
        self._erase_files(step="done")
        return self._reopen()

    @api.multi
    def action_open_report(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window",
                "res_model": "educonnect.siecle.import",
                "res_id": self.import_id.id, "view_mode": "form",
                "name": _("SIECLE import")}
