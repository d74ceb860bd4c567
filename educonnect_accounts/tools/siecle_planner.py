"""Planning a SIECLE import: pure Python, no database, no environment.

Data in: the *export* read by siecle.py (rows of the files) and a
*snapshot* of what the establishment holds, keyed on the SIECLE ids::

    {"mefs": {code: id}, "classes": {name or code: id},
     "students": {siecle_id: {"id": id, <STUDENT_COLUMNS>}},
     "ine_owner": {ine: siecle_id},
     "guardians": {siecle_id: {"id": id, <GUARDIAN_COLUMNS>}},
     "links": {(pupil siecle_id, person siecle_id):
               {"id", "legal_level", "relationship"}}}

A plan out (:func:`plan`): what is created, updated, left unchanged,
archived or rejected (with the reason), and the counts of the report, where
every row of every file is counted exactly once. The model loads the
snapshot, applies the plan and keeps the report.

Messages are English source strings marked with ``_`` for the translation
export and translated by the caller when the report is written.
"""
from collections import Counter, defaultdict

from .logins import ascii_name
from .siecle_files import _
from .siecle_planner_guardians import GuardianPlanner, norm, report_line

STUDENT_COLUMNS = ["last_name", "first_name", "birth_name", "ine", "gender",
                   "birth_date", "class_id", "mef_id", "leave_date", "active"]
COUNTERS = ["created", "updated", "unchanged", "archived", "rejected"]
# The rows of each file and the counters that account for them (a MEF row
# is never updated nor archived: MEFs are shared by the establishments).
ROW_KINDS = ("pupil", "guardian", "link", "mef")
KIND_COUNTERS = {"pupil": COUNTERS, "guardian": COUNTERS, "link": COUNTERS,
                 "mef": ["created", "unchanged", "rejected"]}


class ReportTooLong(Exception):
    """The report would hold more than ``max_lines`` lines."""

    def __init__(self, max_lines):
        super().__init__(max_lines)
        self.max_lines = max_lines


def plan(export, snapshot, today, archive_absent=True, max_lines=50000):
    """The plan of ``export`` on ``snapshot`` (see the module's doc);
    :class:`ReportTooLong` as soon as its report exceeds ``max_lines``."""
    return Planner(export, snapshot, today, archive_absent, max_lines).run()


def new_plan(export):
    counts = {"%s_%s" % (kind, counter): 0 for kind in ROW_KINDS
              for counter in KIND_COUNTERS[kind] + ["rows"]}
    counts.update(pupil_absent=0, guardian_absent=0, link_removed=0,
                  class_created=0)
    return {"counts": counts, "lines": [], "quality": [],
            "params": export["params"],
            "mefs_new": {}, "classes_new": {},
            "students_new": [], "students_update": [],
            "guardians_new": [], "guardians_update": [],
            "links_new": [], "links_update": [], "links_remove": [],
            "archived_students": [], "archived_guardians": [],
            "reactivated_students": [], "reactivated_guardians": []}


def mef_rows(export):
    """The MEF rows of the nomenclature (an export read before MEF rows
    were kept gives {code: values}: rows without their line)."""
    mefs = export.get("mefs") or []
    return list(mefs.values()) if isinstance(mefs, dict) else mefs


class Planner(GuardianPlanner):

    def __init__(self, export, snapshot, today, archive_absent, max_lines):
        self.export, self.snapshot = export, snapshot
        self.today = today
        self.archive_absent, self.max_lines = archive_absent, max_lines
        self.plan = new_plan(export)
        self.counts = self.plan["counts"]
        self.students = snapshot["students"]
        # siecle_id -> (row, student id or None, departed; None: rejected)
        self.kept = {}
        self.seen_pupils = {}  # siecle_id -> line of its first row
        self.nomenclature = self._nomenclature()

    def run(self):
        self._plan_pupils()
        if self.archive_absent:
            self._plan_absent_pupils()
        self._plan_mefs()
        self.counts["class_created"] = len(self.plan["classes_new"])
        if "persons" in self.export:
            self._plan_guardians()
        self._plan_quality()
        return self.plan

    # -- report lines ----------------------------------------------------------

    def line(self, kind, result, row, reason, params=None, name=""):
        self.plan["lines"].append(report_line(row, reason, params, name,
                                              kind=kind, result=result))
        # A file of rejected rows stops here, not after all its rows.
        if len(self.plan["lines"]) + len(self.plan["quality"]) \
                > self.max_lines:
            raise ReportTooLong(self.max_lines)

    def quality(self, row, reason, params=None, name=""):
        self.plan["quality"].append(report_line(row, reason, params, name))

    def reject(self, kind, row, reason, params=None, name=""):
        self.counts[kind + "_rejected"] += 1
        self.line(kind, "rejected", row, reason, params, name)

    # -- pupils ----------------------------------------------------------------

    def _plan_pupils(self):
        rows = self.export["pupils"]
        self.counts["pupil_rows"] = len(rows)
        seen_ine = {}
        for row in rows:
            sid = row["siecle_id"]
            reject = self._pupil_reject(row, seen_ine)
            if sid:
                self.seen_pupils.setdefault(sid, row["line"])
            if reject:
                self.reject("pupil", row, *reject)
                if sid in self.students:
                    # Left as it is, like its guardians.
                    self.kept.setdefault(
                        sid, (row, self.students[sid]["id"], None))
                continue
            if row.get("ine"):
                seen_ine[row["ine"]] = sid
            self._plan_pupil(row)

    def _pupil_reject(self, row, seen_ine):
        """(message, params) when the row cannot be imported, else None."""
        sid, ine = row["siecle_id"], row.get("ine")
        reject = row.get("reject")
        if not reject and sid in self.seen_pupils:
            reject = (_("ELEVE_ID %(id)s is given twice in the file (first "
                        "at line %(line)s)."),
                      {"id": sid, "line": self.seen_pupils[sid]})
        if not reject and ine:
            owner = self.snapshot["ine_owner"].get(ine, sid)
            if ine in seen_ine:
                reject = (_("INE %(ine)s is given to two pupils of the file "
                            "(ELEVE_ID %(other)s)."),
                          {"ine": ine, "other": seen_ine[ine]})
            elif owner != sid:
                reject = (_("INE %(ine)s belongs to another pupil of the "
                            "establishment (ELEVE_ID %(other)s)."),
                          {"ine": ine, "other": owner or "?"})
        return reject

    def _plan_pupil(self, row):
        sid = row["siecle_id"]
        departed = bool(row["leave_date"] and row["leave_date"] < self.today)
        values = self._pupil_values(row, departed)
        old = self.students.get(sid)
        if not old:
            if departed:
                self.reject("pupil", row, _(
                    "Left the establishment on %(date)s: not created."),
                    {"date": row["leave_date"].strftime("%d/%m/%Y")})
                return
            self.counts["pupil_created"] += 1
            self.plan["students_new"].append(dict(values, siecle_id=sid))
            self.kept[sid] = (row, None, False)
            return
        self.kept[sid] = (row, old["id"], departed)
        archived = departed and old["active"]
        if archived:
            self.counts["pupil_archived"] += 1
            self.plan["archived_students"].append(old["id"])
            self.line("pupil", "archived", row, _(
                "Left the establishment on %(date)s: archived, account "
                "disabled."), {"date": row["leave_date"].strftime("%d/%m/%Y")})
        if not departed and not old["active"]:
            self.plan["reactivated_students"].append(old["id"])
        changed = any(norm(old[c]) != norm(values[c])
                      for c in STUDENT_COLUMNS)
        if changed:
            self.plan["students_update"].append(dict(values, id=old["id"]))
        if not archived:
            self.counts["pupil_updated" if changed else "pupil_unchanged"] += 1

    def _pupil_values(self, row, departed):
        """The columns of the pupil; a class or MEF to create is
        ("class"|"mef", code), resolved when the plan is applied."""
        mef_code, class_code = row["mef_code"], row["class_code"]
        mef_id = None
        if mef_code:
            mef_id = self.snapshot["mefs"].get(mef_code)
            if not mef_id and mef_code in self.nomenclature:
                self.plan["mefs_new"][mef_code] = self.nomenclature[mef_code]
                mef_id = ("mef", mef_code)
        class_id = None
        if class_code:
            class_id = self.snapshot["classes"].get(class_code)
            if not class_id:
                self.plan["classes_new"].setdefault(class_code, Counter())[
                    mef_code if mef_id else None] += 1
                class_id = ("class", class_code)
        return {"last_name": row["last_name"], "first_name": row["first_name"],
                "birth_name": norm(row["birth_name"]),
                "ine": norm(row.get("ine")), "gender": norm(row["gender"]),
                "birth_date": row["birth_date"],
                "class_id": class_id, "mef_id": mef_id,
                "leave_date": row["leave_date"], "active": not departed}

    def _plan_absent_pupils(self):
        """The export holds every pupil of the year: the others left."""
        for sid, old in self.students.items():
            if sid in self.seen_pupils or not old["active"]:
                continue
            self.counts["pupil_absent"] += 1
            self.plan["archived_students"].append(old["id"])
            self.plan["students_update"].append(dict(
                {c: old[c] for c in STUDENT_COLUMNS}, id=old["id"],
                active=False))
            self.line("pupil", "archived", {"siecle_id": sid}, _(
                "Absent from the export: archived, account disabled."),
                name=" ".join(p for p in (old["last_name"], old["first_name"])
                              if p))

    # -- MEFs ------------------------------------------------------------------

    def _nomenclature(self):
        """{code: values of a new MEF} of the MEF rows that can be imported
        (the first row of each code)."""
        mefs = {}
        for row in mef_rows(self.export):
            if not row.get("reject") and row["code"] not in mefs:
                mefs[row["code"]] = {k: row[k] for k in (
                    "code", "name", "long_name", "formation")}
        return mefs

    def _plan_mefs(self):
        """Each MEF row: created when a pupil of the export needs it, left
        as it is when it exists (MEFs are shared by the establishments),
        else rejected with the reason."""
        rows = mef_rows(self.export)
        self.counts["mef_rows"] = len(rows)
        seen = {}
        for row in rows:
            code = row.get("code")
            reject = row.get("reject")
            if not reject and code in seen:
                reject = (_("CODE_MEF %(id)s is given twice in the file "
                            "(first at line %(line)s)."),
                          {"id": code, "line": seen[code]})
            if code:
                seen.setdefault(code, row.get("line"))
            if reject:
                self.reject("mef", row, *reject, name=row.get("name") or "")
            elif code in self.snapshot["mefs"]:
                self.counts["mef_unchanged"] += 1
            elif code in self.plan["mefs_new"]:
                self.counts["mef_created"] += 1
            else:
                self.reject("mef", row, _(
                    "No imported pupil has this MEF: not created."),
                    name=row.get("name") or "")

    # -- data quality ----------------------------------------------------------

    def _plan_quality(self):
        homonyms = defaultdict(list)
        for row, _id, departed in self.kept.values():
            if departed is not False:
                continue
            if not row["class_code"]:
                self.quality(row, _("Pupil without a class."))
            if not row["mef_code"]:
                self.quality(row, _("Pupil without a MEF."))
            elif row["mef_code"] not in self.snapshot["mefs"] \
                    and row["mef_code"] not in self.nomenclature:
                self.quality(row, _(
                    "MEF %(code)s unknown: import the nomenclature export "
                    "(Nomenclature.xml) with the pupils."),
                    {"code": row["mef_code"]})
            if row["birth_date"]:
                homonyms[(ascii_name(row["last_name"]),
                          ascii_name(row["first_name"]),
                          row["birth_date"])].append(row)
        for (_l, _f, birth), group in sorted(
                homonyms.items(), key=lambda i: i[1][0]["line"] or 0):
            if len(group) > 1:
                self.quality(group[0], _(
                    "Homonyms born the same day (%(date)s): ELEVE_ID "
                    "%(ids)s. Check that they are different pupils."),
                    {"date": birth.strftime("%d/%m/%Y"),
                     "ids": ", ".join(r["siecle_id"] for r in group)})
