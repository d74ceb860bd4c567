"""Import of pupils and guardians from SIECLE exports (issue 7).

One run reads the files (tools/siecle.py) into an export (rows), loads a
snapshot of the establishment's pupils, guardians and links keyed on the
SIECLE ids (educonnect_siecle_import_apply.py) and makes a plan from both in
pure Python (tools/siecle_planner.py): what is created, updated, left
unchanged, archived or rejected (with the reason), every row of every file
counted once. The preview shows the plan and keeps the export it read (not
the files: the wizard erases them); the confirmation makes the plan again
from that export on the current data and applies it in the same
transaction: all or nothing. Hostile files are refused before any plan,
within the caps of tools/siecle_files.py (settings
``educonnect_accounts.siecle_max_*``), and a plan whose report would exceed
its cap is refused before anything is written. The report (its lines and
the QWeb template that shows it) is educonnect_siecle_import_report.py.
"""
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import siecle, siecle_planner
from ..tools.siecle_files import DEFAULT_LIMITS, Limits, number

class EduconnectSiecleImport(models.Model):
    """One import from SIECLE into one establishment, and its report.

    Retention (personal data of minors): the export read for a preview
    (``pending_export``) is erased when the preview is confirmed; a preview
    never confirmed is deleted with it after one day (by the next import).
    The report of a done import (its counts, and lines naming pupils and
    guardians) is kept for a year, the school year and the next rentrée, then
    deleted by the retention cron (system parameter
    ``educonnect_accounts.retention_imports_days``, 365).
    """
    _name = "educonnect.siecle.import"
    _inherit = ["educonnect.field.guard"]
    _description = "SIECLE import"
    _order = "id desc"
    _rec_name = "create_date"

    create_date = fields.Datetime(string="Date", readonly=True)
    company_id = fields.Many2one("res.company", string="Establishment",
                                 required=True, readonly=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    user_id = fields.Many2one("res.users", string="By", required=True,
                              readonly=True,
                              default=lambda self: self.env.user)
    state = fields.Selection([("preview", "Preview"), ("done", "Imported")],
                             string="Status", required=True, readonly=True, default="preview")
    file_names = fields.Char(string="Files", readonly=True)
    school_year = fields.Char(string="School year", readonly=True)
    export_date = fields.Date(string="Export date", readonly=True)
    archive_absent = fields.Boolean(
        string="Archive the pupils absent from the export", readonly=True)

    pupil_rows = fields.Integer(string="Pupil rows", readonly=True)
    pupil_created = fields.Integer(string="Pupils created", readonly=True)
    pupil_updated = fields.Integer(string="Pupils updated", readonly=True)
    pupil_unchanged = fields.Integer(string="Pupils unchanged", readonly=True)
    pupil_archived = fields.Integer(string="Pupils archived (left)",
                                    readonly=True)
    pupil_rejected = fields.Integer(string="Pupil rows rejected",
                                    readonly=True)
    pupil_absent = fields.Integer(
        string="Pupils archived (absent from the export)", readonly=True)
    guardian_rows = fields.Integer(string="Guardian rows", readonly=True)
    guardian_created = fields.Integer(string="Guardians created",
                                      readonly=True)
    guardian_updated = fields.Integer(string="Guardians updated",
                                      readonly=True)
    guardian_unchanged = fields.Integer(string="Guardians unchanged",
                                        readonly=True)
    guardian_archived = fields.Integer(string="Guardians archived",
                                       readonly=True)
    guardian_rejected = fields.Integer(string="Guardian rows rejected",
                                       readonly=True)
    guardian_absent = fields.Integer(
        string="Guardians archived (absent from the export)", readonly=True)
    link_rows = fields.Integer(string="Responsibility rows", readonly=True)
    link_created = fields.Integer(string="Responsibilities created",
                                  readonly=True)
    link_updated = fields.Integer(string="Responsibilities updated",
                                  readonly=True)
    link_unchanged = fields.Integer(string="Responsibilities unchanged",
                                    readonly=True)
    link_archived = fields.Integer(string="Responsibilities archived",
                                   readonly=True)
    link_rejected = fields.Integer(string="Responsibility rows rejected",
                                   readonly=True)
    link_removed = fields.Integer(
        string="Responsibilities removed (absent from the export)",
        readonly=True)
    mef_rows = fields.Integer(string="MEF rows", readonly=True)
    mef_created = fields.Integer(string="MEFs created", readonly=True)
    mef_unchanged = fields.Integer(string="MEFs unchanged", readonly=True)
    mef_rejected = fields.Integer(string="MEF rows rejected", readonly=True)
    class_created = fields.Integer(string="Classes created", readonly=True)
    quality_count = fields.Integer(string="Data-quality warnings",
                                   readonly=True)
    line_ids = fields.One2many("educonnect.siecle.import.line", "import_id",
                               string="Report", readonly=True)
    report_html = fields.Html(compute="_compute_report_html",
                              string="Report", sanitize=False)
    # The rows of a preview, to confirm them: personal data read by no one
    # but the import itself (not prefetched with the rest of the record).
    pending_export = fields.Text(string="Export read for the preview",
                                 readonly=True, copy=False, prefetch=False,
                                 groups="base.group_system")

    # -- entry point ---------------------------------------------------------

    @api.model
    def _check_import_allowed(self):
        # The superuser (the import job's cron) holds every role.
        if not self.env.user._educonnect_has_role("manager"):
            raise AccessError(_("Only the directors and the delegated agents of "
                                "the establishment can import from SIECLE."))

    @api.model
    def _import_company(self):
        company = self.env.user.company_id
        if not company.educonnect_uai:
            raise UserError(_("The current establishment has no UAI: set it "
                              "before importing from SIECLE."))
        return company

    @api.model
    def _siecle_limits(self):
        """The caps on one import: settings
        ``educonnect_accounts.siecle_max_<megabytes|elements|rows|
        report_lines>``, defaults in tools/siecle_files.py."""
        # sudo: system parameters are readable by administrators only.
        params = self.env["ir.config_parameter"].sudo()
        values = {}
        for name, default in DEFAULT_LIMITS._asdict().items():
            value = params.get_param("educonnect_accounts.siecle_max_" + name)
            try:
                values[name] = max(int(value), 1) if value else default
            except ValueError:
                values[name] = default
        return Limits(**values)

    @api.model
    def _siecle_run(self, files, apply=False, archive_absent=True, record=None):
        """Read ``files`` [(name, bytes)], plan, and apply if ``apply``.

        Returns the import record holding the report (``record``, the
        user's own preview, is reused). A file that cannot be read raises
        UserError and nothing changes.
        """
        self._check_import_allowed()
        company = self._import_company()
        limits = self._siecle_limits()
        try:
            export = siecle.read_files(files, company.educonnect_uai, limits)
        except siecle.SiecleFileError as exc:
            raise UserError(self._translate(exc.message, exc.params))
        # Checked as the caller, whatever environment the record came with.
        record = record and self.browse(record.id).exists()
        if record:  # else none given, or cleaned up meanwhile
            record._check_changeable(company)
        return self._siecle_process(export, company, limits, apply,
                                    archive_absent, record)

    @api.multi
    def _siecle_confirm(self):
        """Import what the preview ``self`` showed: its export, planned
        again on the current data (all or nothing). Returns the record."""
        self.ensure_one()
        self._check_import_allowed()
        company = self._import_company()
        if not self.exists():
            raise UserError(_("This preview has expired: choose the files "
                              "again."))
        self._check_changeable(company)
        # sudo: pending_export is group_system; the preview is the user's own.
        record = self.sudo()
        export = siecle.loads(record.pending_export)
        return self._siecle_process(export, company, self._siecle_limits(),
                                    True, record.archive_absent, self)

    @api.multi
    def _check_changeable(self, company):
        """Only the user's own preview in the current establishment may be
        planned again or confirmed: never a done import, nor the report of
        another user or establishment, whatever record a caller passes."""
        # sudo: to check another establishment's record and pending_export.
        record = self.sudo()
        if record.company_id != company or record.user_id.id != self.env.uid:
            raise AccessError(_("This SIECLE import is not yours: you cannot "
                                "change it. Choose your own files."))
        if record.state != "preview" or not record.pending_export:
            raise UserError(_("This SIECLE import is already done: choose "
                              "the files again to import them."))

    def _siecle_process(self, export, company, limits, apply, archive_absent,
                        record):
        """Plan ``export``, check the size of its report, apply it if
        ``apply`` and write the report (in ``record`` if given)."""
        # The rows read, to confirm the preview later (not the files).
        pending = False if apply else siecle.dumps(export)
        # sudo: a delegated agent creates classes and MEFs through it only.
        importer = self.sudo().with_context(
            lang=self.env.lang, tracking_disable=True)
        if apply:
            importer._lock_establishment(company)
        plan = importer._plan(export, company, archive_absent,
                              limits.report_lines)
        lines = plan["lines"] + plan["quality"]
        if len(lines) > limits.report_lines:
            raise self._report_too_long(limits.report_lines)
        if apply:
            importer._apply(plan, company)
        vals = dict(plan["counts"], state="done" if apply else "preview",
                    company_id=company.id, user_id=self.env.uid,
                    archive_absent=archive_absent,
                    file_names=", ".join(export["files"]),
                    school_year=plan["params"]["year"],
                    export_date=plan["params"]["export_date"] or False,
                    quality_count=len(plan["quality"]),
                    pending_export=pending)
        if record:
            record = importer.browse(record.id)
            record.line_ids.unlink()
            record.write(vals)
        else:
            record = importer.create(vals)
        record._write_lines(lines)
        if apply:
            importer._trace_archived(plan, self.env.uid)
        # Previews never confirmed hold names: kept one day.
        importer.search([("state", "=", "preview"), ("id", "!=", record.id),
                         ("create_date", "<", fields.Datetime.to_string(
                             datetime.datetime.utcnow()
                             - datetime.timedelta(days=1)))]).unlink()
        return self.browse(record.id)  # in the caller's environment

    def _report_too_long(self, max_lines):
        return UserError(_(
            "The import is refused: its report would hold more than %s "
            "lines (rejected rows, warnings), far more than the SIECLE "
            "exports of the largest establishment give. Check that these "
            "are the right files. Nothing was imported.") % number(max_lines))

    def _plan(self, export, company, archive_absent, max_lines):
        """The plan of ``export`` on the current data (tools/siecle_planner.py)."""
        snapshot = self._snapshot(company, guardians="persons" in export)
        today = fields.Date.from_string(fields.Date.context_today(self))
        try:
            return siecle_planner.plan(export, snapshot, today,
                                       archive_absent, max_lines)
        except siecle_planner.ReportTooLong as exc:
            raise self._report_too_long(exc.max_lines)

    def _translate(self, reason, params=None):
        """A message of tools/ (marked with its own ``_``) in the language
        of the user."""
        text = _(reason)
        return text % params if params else text
