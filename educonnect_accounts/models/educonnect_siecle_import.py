"""Import of pupils and guardians from SIECLE exports (issue 7).

One run reads the files (tools/siecle.py) into an export (rows), compares
every row with the establishment's pupils, guardians and links keyed on the
SIECLE ids, and makes a plan: what is created, updated, left unchanged,
archived or rejected (with the reason). The preview shows the plan and keeps
the export it read (not the files: the wizard erases them); the confirmation
makes the plan again from that export on the current data and applies it in
the same transaction: all or nothing. Hostile files are refused before any
plan, within the caps of tools/siecle_files.py (settings
``educonnect_accounts.siecle_max_*``), and a plan whose report would exceed
its cap is refused before anything is written.

Odoo 11 creates records one at a time (with a recomputation of the stored
related fields of the pupil–guardian rows for each): 5,000 pupils and 9,000
guardians that way take minutes. The plan is applied with a few set-based
SQL statements instead (insert, update, denormalised columns of the rows),
then the identifiants are given by the account mixin's ``_assign_logins``,
in bulk, like everywhere else.
"""
import datetime
import re
from collections import Counter, defaultdict

import phonenumbers
import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import siecle
from ..tools.siecle_files import DEFAULT_LIMITS, Limits, number
from ..tools.logins import ascii_name

_EMAIL_RE = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[A-Za-z]{2,}$")

LINE_KINDS = [("pupil", "Pupil"), ("guardian", "Guardian"),
              ("link", "Legal responsibility"), ("quality", "Data quality")]
LINE_RESULTS = [("rejected", "Rejected"), ("archived", "Archived"),
                ("quality", "To check")]

STUDENT_COLUMNS = ["last_name", "first_name", "birth_name", "ine", "gender",
                   "birth_date", "class_id", "mef_id", "leave_date", "active"]
GUARDIAN_COLUMNS = ["last_name", "first_name", "civility", "mobile", "phone",
                    "email", "accept_sms", "active"]
_SQL_TYPES = {"birth_date": "date", "leave_date": "date", "class_id": "int",
              "mef_id": "int", "active": "bool", "accept_sms": "bool"}

COUNTERS = ["created", "updated", "unchanged", "archived", "rejected"]


def _norm(value):
    """Compare the values of the file with those of the database (where
    Odoo reads dates as strings)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return None if value is False or value == "" else value


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
    class_created = fields.Integer(string="Classes created", readonly=True)
    mef_created = fields.Integer(string="MEFs created", readonly=True)
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
        if self.env.uid != 1 and not (self.env.user.has_group(
                "educonnect_accounts.group_educonnect_manager")
                and self.env.user._educonnect_has_role("manager")):
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
        export = siecle.loads(self.sudo().pending_export)
        return self._siecle_process(export, company, self._siecle_limits(),
                                    True, self.sudo().archive_absent, self)

    @api.multi
    def _check_changeable(self, company):
        """Only the user's own preview in the current establishment may be
        planned again or confirmed: never a done import, nor the report of
        another user or establishment, whatever record a caller passes."""
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
        # Kept as read (planning marks rows), to confirm the preview later.
        pending = False if apply else siecle.dumps(export)
        # The import runs with the rights it was checked for above: a
        # delegated agent may create the classes and MEFs of the export.
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
        return record.sudo(self.env.uid)

    def _report_too_long(self, max_lines):
        return UserError(_(
            "The import is refused: its report would hold more than %s "
            "lines (rejected rows, warnings), far more than the SIECLE "
            "exports of the largest establishment give. Check that these "
            "are the right files. Nothing was imported.") % number(max_lines))

    def _trace_archived(self, plan, uid):
        """The history of each archived person says why its account was
        disabled (one trace per population, as for the account actions)."""
        for model, key in (("educonnect.student", "archived_students"),
                           ("educonnect.guardian", "archived_guardians")):
            if plan[key]:
                self.env[model].with_context(active_test=False).browse(
                    plan[key]).sudo(uid)._educonnect_trace("siecle_archive", _(
                        "Left the establishment or absent from the SIECLE "
                        "export: account disabled."))

    def _lock_establishment(self, company):
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "SELECT id FROM res_company WHERE id = %s FOR UPDATE NOWAIT",
                    [company.id], log_exceptions=False)
        except psycopg2.OperationalError:
            raise UserError(_("Another import or change of this establishment "
                              "is in progress: try again in a moment."))

    # -- plan ----------------------------------------------------------------

    def _plan(self, export, company, archive_absent, max_lines):
        cr = self.env.cr
        today = fields.Date.from_string(fields.Date.context_today(self))
        plan = {"counts": {}, "lines": [], "quality": [],
                "params": export["params"],
                "mefs_new": {}, "classes_new": {},
                "students_new": [], "students_update": [],
                "guardians_new": [], "guardians_update": [],
                "links_new": [], "links_update": [], "links_remove": [],
                "archived_students": [], "archived_guardians": [],
                "reactivated_students": [], "reactivated_guardians": []}
        counts = plan["counts"]
        for prefix in ("pupil", "guardian", "link"):
            for counter in COUNTERS + ["rows"]:
                counts["%s_%s" % (prefix, counter)] = 0
        counts.update(pupil_absent=0, guardian_absent=0, link_removed=0,
                      class_created=0, mef_created=0)

        def line(kind, result, row, reason, params=None, name=""):
            entry = self._quality(row, reason, params, name)
            entry.update(kind=kind, result=result)
            plan["lines"].append(entry)
            # A file of rejected rows stops here, not after all its rows.
            if len(plan["lines"]) + len(plan["quality"]) > max_lines:
                raise self._report_too_long(max_lines)

        # MEFs and classes.
        cr.execute("SELECT code, id FROM educonnect_mef")
        mef_ids = dict(cr.fetchall())
        nomenclature = export.get("mefs", {})
        cr.execute("SELECT id, code, name FROM educonnect_class "
                   "WHERE company_id = %s ORDER BY active DESC, id", [company.id])
        class_ids = {}
        for class_id, code, name in cr.fetchall():
            class_ids.setdefault(name, class_id)
            if code:
                class_ids.setdefault(code, class_id)

        # Pupils.
        cr.execute("SELECT id, siecle_id, " + ", ".join(STUDENT_COLUMNS)
                   + " FROM educonnect_student WHERE company_id = %s "
                   "AND siecle_id IS NOT NULL", [company.id])
        existing = {r[1]: r for r in cr.fetchall()}
        cr.execute("SELECT ine, siecle_id FROM educonnect_student "
                   "WHERE company_id = %s AND ine IS NOT NULL", [company.id])
        ine_owner = dict(cr.fetchall())
        rows = export["pupils"]
        counts["pupil_rows"] = len(rows)
        seen, seen_ine = {}, {}
        kept = {}  # siecle_id -> (row, student id or None, departed)
        for row in rows:
            sid = row["siecle_id"]
            reject = row.get("reject")
            if not reject and sid in seen:
                reject = (siecle._("ELEVE_ID %(id)s is given twice in the file "
                                   "(first at line %(line)s)."),
                          {"id": sid, "line": seen[sid]})
            ine = row.get("ine")
            if not reject and ine:
                if ine in seen_ine:
                    reject = (siecle._("INE %(ine)s is given to two pupils of "
                                       "the file (ELEVE_ID %(other)s)."),
                              {"ine": ine, "other": seen_ine[ine]})
                elif ine_owner.get(ine, sid) != sid:
                    reject = (siecle._("INE %(ine)s belongs to another pupil of "
                                       "the establishment (ELEVE_ID "
                                       "%(other)s)."),
                              {"ine": ine, "other": ine_owner[ine] or "?"})
            if sid:
                seen.setdefault(sid, row["line"])
            if reject:
                counts["pupil_rejected"] += 1
                line("pupil", "rejected", row, *reject)
                if sid in existing:
                    kept.setdefault(sid, (row, existing[sid][0], None))
                continue
            if ine:
                seen_ine[ine] = sid
            departed = bool(row["leave_date"] and row["leave_date"] < today)
            mef_code = row["mef_code"]
            mef_id = None
            if mef_code:
                mef_id = mef_ids.get(mef_code)
                if not mef_id and mef_code in nomenclature:
                    plan["mefs_new"][mef_code] = nomenclature[mef_code]
                    mef_id = ("mef", mef_code)
            class_id = None
            if row["class_code"]:
                class_id = class_ids.get(row["class_code"])
                if not class_id:
                    plan["classes_new"].setdefault(row["class_code"], Counter())[
                        mef_code if mef_id else None] += 1
                    class_id = ("class", row["class_code"])
            values = {"last_name": row["last_name"],
                      "first_name": row["first_name"],
                      "birth_name": _norm(row["birth_name"]),
                      "ine": _norm(ine), "gender": _norm(row["gender"]),
                      "birth_date": row["birth_date"],
                      "class_id": class_id, "mef_id": mef_id,
                      "leave_date": row["leave_date"],
                      "active": not departed}
            old = existing.get(sid)
            if not old:
                if departed:
                    counts["pupil_rejected"] += 1
                    line("pupil", "rejected", row, siecle._(
                        "Left the establishment on %(date)s: not created."),
                        {"date": row["leave_date"].strftime("%d/%m/%Y")})
                    continue
                counts["pupil_created"] += 1
                plan["students_new"].append(dict(values, siecle_id=sid))
                kept[sid] = (row, None, False)
                continue
            kept[sid] = (row, old[0], departed)
            before = dict(zip(STUDENT_COLUMNS, old[2:]))
            if departed and before["active"]:
                counts["pupil_archived"] += 1
                plan["archived_students"].append(old[0])
                line("pupil", "archived", row, siecle._(
                    "Left the establishment on %(date)s: archived, account "
                    "disabled."),
                    {"date": row["leave_date"].strftime("%d/%m/%Y")})
            if not departed and not before["active"]:
                plan["reactivated_students"].append(old[0])
            changed = any(_norm(before[c]) != _norm(values[c])
                          for c in STUDENT_COLUMNS)
            if changed:
                plan["students_update"].append(dict(values, id=old[0]))
            if departed and before["active"]:
                continue
            counts["pupil_updated" if changed else "pupil_unchanged"] += 1
        if archive_absent:
            for sid, old in existing.items():
                if sid not in seen and old[-1]:
                    counts["pupil_absent"] += 1
                    plan["archived_students"].append(old[0])
                    plan["students_update"].append(dict(
                        zip(STUDENT_COLUMNS, old[2:]), id=old[0],
                        active=False))
                    line("pupil", "archived", {"siecle_id": sid}, siecle._(
                        "Absent from the export: archived, account disabled."),
                        name=" ".join(p for p in old[2:4] if p))
        counts["class_created"] = len(plan["classes_new"])
        counts["mef_created"] = len(plan["mefs_new"])
        if "persons" in export:
            self._plan_guardians(plan, export, company, kept, archive_absent,
                                 line)
        self._plan_quality(plan, kept, nomenclature, mef_ids)
        return plan

    def _plan_guardians(self, plan, export, company, kept, archive_absent, line):
        cr = self.env.cr
        counts = plan["counts"]
        persons, link_rows = export["persons"], export["links"]
        counts["guardian_rows"] = len(persons)
        counts["link_rows"] = len(link_rows)
        person_rows = {}
        for row in persons:
            sid = row["siecle_id"]
            if not row.get("reject") and sid in person_rows:
                row["reject"] = (siecle._(
                    "PERSONNE_ID %(id)s is given twice in the file (first at "
                    "line %(line)s)."), {"id": sid,
                                         "line": person_rows[sid]["line"]})
            if sid and sid not in person_rows:
                person_rows[sid] = row
        # Legal responsibilities of the imported pupils.
        legal = defaultdict(list)  # person siecle id -> [(pupil sid, row)]
        # Guardians of pupils whose row is rejected this time: left as they
        # are, like their pupil (never archived for a typo in the file).
        protected = set()
        seen_pairs = {}
        for row in link_rows:
            pupil, person = row["student_siecle_id"], row["guardian_siecle_id"]
            reject = row.get("reject")
            pair = (pupil, person)
            if not reject and pair in seen_pairs:
                reject = (siecle._("This responsibility is given twice in the "
                                   "file (first at line %(line)s)."),
                          {"line": seen_pairs[pair]})
            if not reject and row["level"] not in ("1", "2"):
                reject = (siecle._("Not a legal guardian (level 1 or 2): no "
                                   "EduConnect account."), {})
            if not reject and pupil not in kept:
                reject = (siecle._("The pupil ELEVE_ID %(id)s is not imported "
                                   "(absent from the pupils export or "
                                   "rejected)."), {"id": pupil})
            if not reject and kept[pupil][2] is None:
                reject = (siecle._("The pupil ELEVE_ID %(id)s is rejected."),
                          {"id": pupil})
                protected.add(person)
            if not reject and (person not in person_rows
                               or person_rows[person].get("reject")):
                reject = (siecle._("The person PERSONNE_ID %(id)s is absent "
                                   "from the file or rejected."), {"id": person})
            seen_pairs.setdefault(pair, row["line"])
            if reject:
                counts["link_rejected"] += 1
                line("link", "rejected", dict(row, siecle_id="%s / %s" % pair),
                     *reject)
                continue
            legal[person].append((pupil, row))

        cr.execute("SELECT id, siecle_id, " + ", ".join(GUARDIAN_COLUMNS)
                   + " FROM educonnect_guardian WHERE company_id = %s "
                   "AND siecle_id IS NOT NULL", [company.id])
        existing = {r[1]: r for r in cr.fetchall()}
        guardian_kept = {}
        for row in persons:
            sid = row["siecle_id"]
            reject = row.get("reject")
            if not reject and sid not in legal:
                reject = (siecle._("Not the legal guardian of an imported "
                                   "pupil: no EduConnect account."), {})
            if reject:
                counts["guardian_rejected"] += 1
                line("guardian", "rejected", row, *reject)
                continue
            if person_rows.get(sid) is not row:
                continue
            email = row["email"]
            if email and not _EMAIL_RE.match(email):
                plan["quality"].append(self._quality(
                    row, siecle._("Invalid e-mail address « %(value)s »: not "
                                  "imported."), {"value": email[:80]}))
                email = None
            values = {"last_name": row["last_name"],
                      "first_name": _norm(row["first_name"]),
                      "civility": _norm(row["civility"]),
                      "mobile": self._phone(row, "mobile", plan),
                      "phone": self._phone(row, "phone", plan),
                      "email": _norm(email), "accept_sms": row["accept_sms"],
                      "active": any(not kept[p][2] for p, r in legal[sid])}
            if not values["mobile"] and not values["email"]:
                plan["quality"].append(self._quality(row, siecle._(
                    "No mobile phone and no e-mail: this guardian cannot "
                    "self-register.")))
            old = existing.get(sid)
            if not old:
                if not values["active"]:
                    counts["guardian_rejected"] += 1
                    line("guardian", "rejected", row, siecle._(
                        "Legal guardian only of pupils who left: not "
                        "created."))
                    continue
                counts["guardian_created"] += 1
                plan["guardians_new"].append(dict(values, siecle_id=sid))
                guardian_kept[sid] = None
                continue
            guardian_kept[sid] = old[0]
            before = dict(zip(GUARDIAN_COLUMNS, old[2:]))
            changed = any(_norm(before[c]) != _norm(values[c])
                          for c in GUARDIAN_COLUMNS)
            if changed:
                plan["guardians_update"].append(dict(values, id=old[0]))
            if before["active"] and not values["active"]:
                counts["guardian_archived"] += 1
                plan["archived_guardians"].append(old[0])
                line("guardian", "archived", row, siecle._(
                    "Legal guardian only of pupils who left: archived, "
                    "account disabled."))
                continue
            if values["active"] and not before["active"]:
                plan["reactivated_guardians"].append(old[0])
            counts["guardian_updated" if changed else "guardian_unchanged"] += 1
        if archive_absent:
            for sid, old in existing.items():
                if sid not in guardian_kept and sid not in protected \
                        and old[-1]:
                    counts["guardian_absent"] += 1
                    plan["archived_guardians"].append(old[0])
                    plan["guardians_update"].append(dict(
                        zip(GUARDIAN_COLUMNS, old[2:]), id=old[0],
                        active=False))
                    line("guardian", "archived", {"siecle_id": sid}, siecle._(
                        "No longer the legal guardian of a pupil of the "
                        "export: archived, account disabled."),
                        name=" ".join(p for p in old[2:4] if p))

        # Links between the kept pupils and guardians.
        cr.execute("""
            SELECT l.id, s.siecle_id, g.siecle_id, l.legal_level, l.relationship
              FROM educonnect_guardian_link l
              JOIN educonnect_student s ON s.id = l.student_id
              JOIN educonnect_guardian g ON g.id = l.guardian_id
             WHERE s.company_id = %s AND s.siecle_id IS NOT NULL
               AND g.siecle_id IS NOT NULL""", [company.id])
        old_links = {(r[1], r[2]): r for r in cr.fetchall()}
        wanted = set()
        for person, pupils in legal.items():
            for pupil, row in pupils:
                if person not in guardian_kept:
                    counts["link_rejected"] += 1
                    line("link", "rejected",
                         dict(row, siecle_id="%s / %s" % (pupil, person)),
                         siecle._("The guardian PERSONNE_ID %(id)s is not "
                                  "imported."), {"id": person})
                    continue
                wanted.add((pupil, person))
                values = {"legal_level": row["level"],
                          "relationship": row["relationship"]}
                old = old_links.get((pupil, person))
                if not old:
                    counts["link_created"] += 1
                    plan["links_new"].append(dict(
                        values, student=(pupil, kept[pupil][1]),
                        guardian=(person, guardian_kept[person])))
                elif (old[3], old[4]) != (values["legal_level"],
                                          values["relationship"]):
                    counts["link_updated"] += 1
                    plan["links_update"].append(dict(values, id=old[0]))
                else:
                    counts["link_unchanged"] += 1
        if archive_absent:
            for pair, old in old_links.items():
                if pair not in wanted and pair[0] in kept \
                        and kept[pair[0]][2] is not None:
                    counts["link_removed"] += 1
                    plan["links_remove"].append(old[0])

    def _phone(self, row, key, plan):
        raw = row[key]
        if not raw:
            return None
        try:
            number = phonenumbers.parse(raw, "FR")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            plan["quality"].append(self._quality(row, siecle._(
                "Invalid phone number « %(value)s »."), {"value": raw[:40]}))
            return raw
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 33
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def _quality(self, row, reason, params=None, name=""):
        """A report line; its reason is translated when written."""
        return {"kind": "quality", "result": "quality",
                "line": row.get("line"), "siecle_id": row.get("siecle_id") or "",
                "name": name or " ".join(p for p in (row.get("last_name"),
                                                      row.get("first_name")) if p),
                "reason": reason, "params": params}

    def _translate(self, reason, params=None):
        text = _(reason)  # in the language of the user (self.env)
        return text % params if params else text

    def _plan_quality(self, plan, kept, nomenclature, mef_ids):
        homonyms = defaultdict(list)
        for sid, (row, _id, departed) in kept.items():
            if departed is not False:
                continue
            if not row["class_code"]:
                plan["quality"].append(self._quality(
                    row, siecle._("Pupil without a class.")))
            if not row["mef_code"]:
                plan["quality"].append(self._quality(
                    row, siecle._("Pupil without a MEF.")))
            elif row["mef_code"] not in mef_ids \
                    and row["mef_code"] not in nomenclature:
                plan["quality"].append(self._quality(row, siecle._(
                    "MEF %(code)s unknown: import the nomenclature export "
                    "(Nomenclature.xml) with the pupils."),
                    {"code": row["mef_code"]}))
            if row["birth_date"]:
                homonyms[(ascii_name(row["last_name"]),
                          ascii_name(row["first_name"]),
                          row["birth_date"])].append(row)
        for (_l, _f, birth), group in sorted(homonyms.items(),
                                             key=lambda i: i[1][0]["line"] or 0):
            if len(group) > 1:
                plan["quality"].append(self._quality(
                    group[0], siecle._(
                        "Homonyms born the same day (%(date)s): ELEVE_ID "
                        "%(ids)s. Check that they are different pupils."),
                    {"date": birth.strftime("%d/%m/%Y"),
                     "ids": ", ".join(r["siecle_id"] for r in group)}))

    # -- apply ---------------------------------------------------------------

    def _apply(self, plan, company):
        cr = self.env.cr
        Mef = self.env["educonnect.mef"]
        mef_ids = {code: Mef.create(vals).id
                   for code, vals in sorted(plan["mefs_new"].items())}
        Class = self.env["educonnect.class"]
        class_ids = {}
        for code, mefs in sorted(plan["classes_new"].items()):
            mef_code = mefs.most_common(1)[0][0]
            cr.execute("SELECT id FROM educonnect_mef WHERE code = %s",
                       [mef_code])
            mef = cr.fetchone()
            class_ids[code] = Class.create({
                "name": code, "code": code, "company_id": company.id,
                "mef_id": mef and mef[0]}).id

        def resolve(values):
            for key, new in (("mef_id", mef_ids), ("class_id", class_ids)):
                if isinstance(values[key], tuple):
                    values[key] = new.get(values[key][1])
            return values

        new_students = self._insert("educonnect_student", company, [
            resolve(v) for v in plan["students_new"]], STUDENT_COLUMNS)
        self._update("educonnect_student", [
            resolve(v) for v in plan["students_update"]], STUDENT_COLUMNS)
        new_guardians = self._insert("educonnect_guardian", company,
                                     plan["guardians_new"], GUARDIAN_COLUMNS)
        self._update("educonnect_guardian", plan["guardians_update"],
                     GUARDIAN_COLUMNS)
        self._apply_links(plan, company, new_students, new_guardians)
        self.env.cache.invalidate()
        Student = self.env["educonnect.student"].with_context(
            active_test=False)
        Guardian = self.env["educonnect.guardian"].with_context(
            active_test=False)
        Student.browse(list(new_students.values()))._assign_logins()
        Guardian.browse(list(new_guardians.values()))._assign_logins()
        self._set_accounts_enabled(
            Student.browse(plan["archived_students"]),
            Student.browse(plan["reactivated_students"]))
        self._set_accounts_enabled(
            Guardian.browse(plan["archived_guardians"]),
            Guardian.browse(plan["reactivated_guardians"]))

    def _insert(self, table, company, rows, columns):
        """INSERT the rows in one statement: {siecle id: new id}."""
        if not rows:
            return {}
        columns = ["siecle_id"] + columns
        arrays = [[r.get(c) for r in rows] for c in columns]
        casts = ", ".join("%%s::%s[]" % _SQL_TYPES.get(c, "varchar")
                          for c in columns)
        self.env.cr.execute(
            "INSERT INTO {table} (company_id, name, state, origin, "
            "create_uid, write_uid, create_date, write_date, {cols}) "
            "SELECT %s, concat_ws(' ', NULLIF(v.last_name, ''), "
            "NULLIF(v.first_name, '')), 'not_notified', 'unknown', "
            "%s, %s, now() at time zone 'UTC', now() at time zone 'UTC', "
            "{vcols} FROM unnest({casts}) AS v({cols}) "
            "RETURNING siecle_id, id".format(
                table=table, cols=", ".join(columns),
                vcols=", ".join("v." + c for c in columns), casts=casts),
            [company.id, self.env.uid, self.env.uid] + arrays)
        return dict(self.env.cr.fetchall())

    def _update(self, table, rows, columns):
        if not rows:
            return
        columns = ["id"] + columns
        arrays = [[r.get(c) for r in rows] for c in columns]
        casts = ", ".join("%%s::%s[]" % ("int" if c == "id" else
                                         _SQL_TYPES.get(c, "varchar"))
                          for c in columns)
        self.env.cr.execute(
            "UPDATE {table} AS t SET {sets}, name = concat_ws(' ', "
            "NULLIF(v.last_name, ''), NULLIF(v.first_name, '')), "
            "write_uid = %s, write_date = now() at time zone 'UTC' "
            "FROM unnest({casts}) AS v({cols}) WHERE t.id = v.id".format(
                table=table, cols=", ".join(columns), casts=casts,
                sets=", ".join("%s = v.%s" % (c, c) for c in columns[1:])),
            [self.env.uid] + arrays)

    def _apply_links(self, plan, company, new_students, new_guardians):
        cr = self.env.cr
        if plan["links_remove"]:
            cr.execute("DELETE FROM educonnect_guardian_link WHERE id IN %s",
                       [tuple(plan["links_remove"])])
        if plan["links_update"]:
            cr.execute(
                "UPDATE educonnect_guardian_link AS l SET legal_level = "
                "v.level, relationship = v.rel, write_uid = %s, write_date = "
                "now() at time zone 'UTC' FROM unnest(%s::int[], "
                "%s::varchar[], %s::varchar[]) AS v(id, level, rel) "
                "WHERE l.id = v.id",
                [self.env.uid] + [[r[k] for r in plan["links_update"]]
                                  for k in ("id", "legal_level",
                                            "relationship")])
        if plan["links_new"]:
            links = plan["links_new"]
            cr.execute(
                "INSERT INTO educonnect_guardian_link (student_id, guardian_id,"
                " legal_level, relationship, create_uid, write_uid, "
                "create_date, write_date) SELECT v.s, v.g, v.level, v.rel, "
                "%s, %s, now() at time zone 'UTC', now() at time zone 'UTC' "
                "FROM unnest(%s::int[], %s::int[], %s::varchar[], "
                "%s::varchar[]) AS v(s, g, level, rel)",
                [self.env.uid, self.env.uid,
                 [l["student"][1] or new_students[l["student"][0]]
                  for l in links],
                 [l["guardian"][1] or new_guardians[l["guardian"][0]]
                  for l in links],
                 [l["legal_level"] for l in links],
                 [l["relationship"] for l in links]])
        # The stored related columns of the rows follow the people (what
        # the ORM would recompute row by row).
        cr.execute("""
            UPDATE educonnect_guardian_link AS l
               SET company_id = s.company_id, active = s.active,
                   student_name = s.name, class_id = s.class_id,
                   mef_id = s.mef_id, guardian_name = g.name
              FROM educonnect_student s, educonnect_guardian g
             WHERE s.id = l.student_id AND g.id = l.guardian_id
               AND s.company_id = %s
               AND (l.company_id IS DISTINCT FROM s.company_id
                    OR l.active IS DISTINCT FROM s.active
                    OR l.student_name IS DISTINCT FROM s.name
                    OR l.class_id IS DISTINCT FROM s.class_id
                    OR l.mef_id IS DISTINCT FROM s.mef_id
                    OR l.guardian_name IS DISTINCT FROM g.name)""",
                   [company.id])

    def _set_accounts_enabled(self, disabled, enabled):
        """Archived people lose their way in: portal user deactivated,
        provisional password and activation link erased. Their state,
        identifiant and traces are kept for the history (and for their
        return)."""
        if disabled:
            self.env.cr.execute(
                "UPDATE {} SET provisional_password_crypt = NULL, "
                "activation_token_hash = NULL, activation_token_expiry = NULL "
                "WHERE id IN %s".format(disabled._table),
                [tuple(disabled.ids)])
            disabled.invalidate_cache()
            users = disabled.mapped("user_id").filtered("active")
            if users:
                users.write({"active": False})
        if enabled:
            users = enabled.mapped("user_id").with_context(
                active_test=False).filtered(lambda u: not u.active)
            if users:
                users.write({"active": True})

    # -- report --------------------------------------------------------------

    def _write_lines(self, lines):
        """One INSERT; each distinct reason translated once (a translation
        costs a hundred times the rest of a line)."""
        if not lines:
            return
        texts, reasons = {}, []
        for line in lines:
            if line["reason"] not in texts:
                texts[line["reason"]] = self._translate(line["reason"])
            text = texts[line["reason"]]
            reasons.append(text % line["params"] if line["params"] else text)
        self.env.cr.execute(
            "INSERT INTO educonnect_siecle_import_line (import_id, kind, "
            "result, line, siecle_id, name, reason, create_uid, write_uid, "
            "create_date, write_date) SELECT %s, v.kind, v.result, v.line, "
            "v.siecle_id, v.name, v.reason, %s, %s, now() at time zone 'UTC', "
            "now() at time zone 'UTC' FROM unnest(%s::varchar[], "
            "%s::varchar[], %s::int[], %s::varchar[], %s::varchar[], "
            "%s::varchar[]) AS v(kind, result, line, siecle_id, name, reason)",
            [self.id, self.env.uid, self.env.uid]
            + [[l[k] for l in lines] for k in ("kind", "result", "line",
                                                "siecle_id", "name")]
            + [reasons])
        self.invalidate_cache(["line_ids"], self.ids)

    @api.multi
    def _nothing_changed(self):
        self.ensure_one()
        return not any(self[f] for f in (
            "pupil_created", "pupil_updated", "pupil_archived", "pupil_absent",
            "guardian_created", "guardian_updated", "guardian_archived",
            "guardian_absent", "link_created", "link_updated", "link_removed",
            "class_created", "mef_created"))

    def _compute_report_html(self):
        for rec in self:
            rec.report_html = rec._render_report()

    def _render_report(self, max_lines=300):
        head = [_("Rows in the file"), _("Created"), _("Updated"),
                _("Unchanged"), _("Archived (left)"), _("Rejected"),
                _("Archived (absent from the export)")]
        rows = []
        for prefix, label in (("pupil", _("Pupils")),
                              ("guardian", _("Guardians")),
                              ("link", _("Legal responsibilities"))):
            absent = "link_removed" if prefix == "link" else prefix + "_absent"
            rows.append([label] + [self["%s_%s" % (prefix, c)] for c in (
                "rows", "created", "updated", "unchanged", "archived",
                "rejected")] + [self[absent]])
        parts = [Markup('<table class="table table-condensed o_siecle_counts">'
                        '<thead><tr><th></th>')]
        parts += [Markup("<th>%s</th>") % h for h in head]
        parts.append(Markup("</tr></thead><tbody>"))
        for row in rows:
            parts.append(Markup("<tr><th>%s</th>") % row[0])
            parts += [Markup("<td>%s</td>") % v for v in row[1:]]
            parts.append(Markup("</tr>"))
        parts.append(Markup("</tbody></table>"))
        if self._nothing_changed():
            parts.append(Markup('<p class="alert alert-info">%s</p>') % (
                _("Nothing changed: the establishment was already up to "
                  "date with this export.") if self.state == "done" else
                _("Nothing will change: the establishment is already up to "
                  "date with this export.")))
        if self.class_created or self.mef_created:
            parts.append(Markup("<p>%s</p>") % (_(
                "Classes created: %d, MEFs created: %d.") % (
                    self.class_created, self.mef_created)))
        Line = self.env["educonnect.siecle.import.line"]
        kinds = dict(Line._fields["kind"]._description_selection(self.env))
        for result, title in (("rejected", _("Rejected rows")),
                              ("archived", _("Archived")),
                              ("quality", _("Data quality"))):
            lines = self.line_ids.filtered(lambda l: l.result == result)
            if not lines:
                continue
            parts.append(Markup("<h4>%s (%d)</h4>") % (title, len(lines)))
            parts.append(Markup(
                '<table class="table table-condensed o_siecle_%s"><thead><tr>'
                "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                "</tr></thead><tbody>") % (
                    result, _("Row"), _("Line in the file"), _("SIECLE id"),
                    _("Name"), _("Reason")))
            for l in lines[:max_lines]:
                parts.append(Markup(
                    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td>%s</td></tr>") % (kinds.get(l.kind, ""), l.line or "",
                                          l.siecle_id or "", l.name or "",
                                          l.reason or ""))
            parts.append(Markup("</tbody></table>"))
            if len(lines) > max_lines:
                parts.append(Markup("<p>%s</p>") % (_(
                    "… and %d more: see the full report.") % (
                        len(lines) - max_lines)))
        return Markup("").join(parts)


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
