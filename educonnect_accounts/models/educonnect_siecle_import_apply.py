"""Loading the data a SIECLE import plans on and applying the plan, in SQL
(the planning itself is pure Python: tools/siecle_planner.py).

Odoo 11 creates records one at a time (with a recomputation of the stored
related fields of the pupil–guardian rows for each): 5,000 pupils and 9,000
guardians that way take minutes. The plan is applied with a few set-based
SQL statements instead (insert, update, denormalised columns of the rows),
then the identifiants are given by the account mixin's ``_assign_logins``,
in bulk, like everywhere else.
"""
import psycopg2

from odoo import _, models
from odoo.exceptions import UserError

from ..tools.siecle_planner import STUDENT_COLUMNS
from ..tools.siecle_planner_guardians import GUARDIAN_COLUMNS

_SQL_TYPES = {"birth_date": "date", "leave_date": "date", "class_id": "int",
              "mef_id": "int", "active": "bool", "accept_sms": "bool"}


class EduconnectSiecleImportApply(models.Model):
    _inherit = "educonnect.siecle.import"

    # -- snapshot: what the establishment holds, for the planner --------------

    def _snapshot(self, company, guardians=True):
        """The plain data tools/siecle_planner.py plans on (see its doc)."""
        cr = self.env.cr
        cr.execute("SELECT code, id FROM educonnect_mef")
        mefs = dict(cr.fetchall())
        cr.execute("SELECT id, code, name FROM educonnect_class "
                   "WHERE company_id = %s ORDER BY active DESC, id", [company.id])
        classes = {}
        for class_id, code, name in cr.fetchall():
            classes.setdefault(name, class_id)
            if code:
                classes.setdefault(code, class_id)
        cr.execute("SELECT ine, siecle_id FROM educonnect_student "
                   "WHERE company_id = %s AND ine IS NOT NULL", [company.id])
        snapshot = {"mefs": mefs, "classes": classes,
                    "ine_owner": dict(cr.fetchall()),
                    "students": self._snapshot_people(
                        "educonnect_student", STUDENT_COLUMNS, company),
                    "guardians": {}, "links": {}}
        if guardians:
            snapshot["guardians"] = self._snapshot_people(
                "educonnect_guardian", GUARDIAN_COLUMNS, company)
            snapshot["links"] = self._snapshot_links(company)
        return snapshot

    def _snapshot_people(self, table, columns, company):
        """{siecle id: {"id", columns}} of the establishment's people."""
        self.env.cr.execute(
            "SELECT id, siecle_id, {} FROM {} WHERE company_id = %s "
            "AND siecle_id IS NOT NULL".format(", ".join(columns), table),
            [company.id])
        return {r[1]: dict(zip(columns, r[2:]), id=r[0])
                for r in self.env.cr.fetchall()}

    def _snapshot_links(self, company):
        self.env.cr.execute("""
            SELECT l.id, s.siecle_id, g.siecle_id, l.legal_level, l.relationship
              FROM educonnect_guardian_link l
              JOIN educonnect_student s ON s.id = l.student_id
              JOIN educonnect_guardian g ON g.id = l.guardian_id
             WHERE s.company_id = %s AND s.siecle_id IS NOT NULL
               AND g.siecle_id IS NOT NULL""", [company.id])
        return {(r[1], r[2]): {"id": r[0], "legal_level": r[3],
                               "relationship": r[4]}
                for r in self.env.cr.fetchall()}

    def _trace_archived(self, plan, uid):
        """The history of each archived person says why its account was
        disabled (one trace per population, as for the account actions)."""
        for model, key in (("educonnect.student", "archived_students"),
                           ("educonnect.guardian", "archived_guardians")):
            if plan[key]:
                # sudo(uid): traced as the importing user, not as superuser.
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
