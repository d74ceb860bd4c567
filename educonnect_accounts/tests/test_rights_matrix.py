"""The committed rights matrix (tests/data/rights_matrix.csv) is what Odoo
enforces: every allowed cell works, every refused cell raises AccessError and
changes nothing, and no access right exists that the matrix does not list.

Roles: troubleshooting agent, delegated agent, director (each holding the
collège *and* the lycée, with the role in the collège only), an employee
without EduConnect role, an administrator, a pupil and a guardian (portal).
Establishment: ``own`` = the collège, chosen; ``other`` = a lycée record
asked for while the collège is chosen; ``held`` = the lycée chosen (the user
holds it, but no role there). For portal users ``own`` is their own account
(a guardian: also their child), ``other`` someone else's in the same school.
"""
import csv
import os

from odoo.exceptions import AccessError

from .common import EduconnectCase

MATRIX = os.path.join(os.path.dirname(__file__), "data", "rights_matrix.csv")
STAFF_ROLES = ("troubleshooter", "manager", "director")
SCOPED_MODELS = ("educonnect.student", "educonnect.guardian",
                 "educonnect.guardian.link", "educonnect.class",
                 "educonnect.account.trace", "educonnect.account.count",
                 "educonnect.delegation")
PORTAL_MODELS = ("educonnect.student", "educonnect.guardian",
                 "educonnect.guardian.link")
OPS = ("read", "write", "create", "unlink")
READ_FIELD = {"educonnect.student": "name", "educonnect.guardian": "name",
              "educonnect.guardian.link": "guardian_name",
              "educonnect.class": "name", "educonnect.mef": "name",
              "educonnect.account.trace": "action",
              "educonnect.account.count": "account_count",
              "educonnect.delegation": "role", "res.company": "name",
              "educonnect.siecle.import": "state",
              "educonnect.siecle.import.line": "reason",
              "educonnect.batch": "state", "educonnect.batch.chunk": "state",
              "educonnect.auth.throttle": "failures",
              "educonnect.verification": "purpose"}
# A background batch belongs to the staff member who started it: ``own`` is
# the user's batch, ``other`` a colleague's. Sign-in counters and one-time
# codes belong to nobody: only the administrator reads them.
USER_OWNED = ("educonnect.batch", "educonnect.batch.chunk")
GLOBAL_SECRETS = ("educonnect.auth.throttle", "educonnect.verification")
WRITE_VALS = {"educonnect.student": {"first_name": "Changé"},
              "educonnect.guardian": {"first_name": "Changé"},
              "educonnect.guardian.link": {"relationship": "other"},
              "educonnect.class": {"code": "CHANGE"},
              "educonnect.mef": {"long_name": "CHANGE"},
              "educonnect.account.trace": {"details": "changé"},
              "educonnect.account.count": {"account_count": 999},
              "educonnect.delegation": {"role": "manager"},
              "res.company": {"educonnect_letter_validity_months": 7},
              "educonnect.batch": {"result_message": "changé"},
              "educonnect.batch.chunk": {"record_count": 99}}


def load_matrix(path=MATRIX):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class _Rollback(Exception):
    pass


class TestRightsMatrix(EduconnectCase):
    """Another addon checks its own rows (``MATRIX``) by extending this
    class: its models (``SCOPED_MODELS``), actions (``ACTIONS``), the
    records of each establishment (``establishment_data``) and the probes
    of its subjects."""
    MATRIX = MATRIX
    #: Matrices listing the other access rights of the database.
    OTHER_MATRICES = ()
    SCOPED_MODELS = SCOPED_MODELS
    PORTAL_MODELS = PORTAL_MODELS
    ACTIONS = ("notify", "list", "reset")
    #: Actions that only read: allowed when they return something.
    READ_ACTIONS = ()
    READ_FIELD = READ_FIELD
    WRITE_VALS = WRITE_VALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.matrix = load_matrix(cls.MATRIX)
        cls.all_rows = cls.matrix + [
            row for path in cls.OTHER_MATRICES for row in load_matrix(path)]
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        both = cls.college | cls.lycee
        base = cls.env.ref("base.group_user") | cls.env.ref(
            "base.group_multi_company")

        def user(login, groups=base):
            return Users.create({
                "name": login, "login": login, "lang": "fr_FR",
                "company_id": cls.college.id, "company_ids": [(6, 0, both.ids)],
                "groups_id": [(6, 0, groups.ids)]})
        Delegation = cls.env["educonnect.delegation"]
        cls.users = {}
        for role in STAFF_ROLES:
            cls.users[role] = user("matrix." + role)
            Delegation.create({"user_id": cls.users[role].id,
                               "company_id": cls.college.id, "role": role})
        cls.users["employee"] = user("matrix.employee")
        cls.users["administrator"] = user(
            "matrix.administrator", base | cls.env.ref("base.group_system"))
        cls.target = user("matrix.target")
        cls.candidate = user("matrix.candidate")
        cls.third = cls.env["res.company"].create({"name": "Collège tiers"})
        cls.data = {}
        for company, klass in ((cls.college, cls.c61),
                               (cls.lycee, cls.lycee_class)):
            pupil = cls.make_student("MATRICE", "Pupil", klass)
            pupil._educonnect_notify()
            lonely = cls.make_student("SEUL", "Lonely", klass)
            guardian = cls.make_guardian("MATRICE", "Guardian", pupil)
            cls.data[company.id] = {
                "educonnect.student": pupil, "lonely": lonely,
                "educonnect.guardian": guardian,
                "educonnect.guardian.link": guardian.link_ids,
                "educonnect.class": klass, "educonnect.mef": cls.mef6,
                "educonnect.account.trace": cls.env[
                    "educonnect.account.trace"].create({
                        "action": "notify", "user_id": cls.env.uid,
                        "company_id": company.id, "account_count": 1}),
                "educonnect.account.count": cls.env[
                    "educonnect.account.count"].search(
                        [("company_id", "=", company.id)], limit=1),
                "educonnect.delegation": Delegation.create({
                    "user_id": cls.target.id, "company_id": company.id,
                    "role": "troubleshooter"}),
                "res.company": company,
            }
            cls.data[company.id].update(cls.establishment_data(company))
        # Portal users, created at activation as in production.
        own_pupil = cls.make_student("PORTAIL", "Eleve", cls.c61)
        own_pupil._educonnect_notify()
        cls.users["portal_pupil"] = own_pupil._educonnect_activate(
            "un mot de passe bien long")
        child = cls.make_student("PORTAIL", "Enfant", cls.c61)
        parent = cls.make_guardian("PORTAIL", "Parent", child)
        parent._educonnect_notify()
        cls.users["portal_guardian"] = parent._educonnect_activate(
            "un mot de passe bien long")
        pupil_guardian = cls.make_guardian("PORTAIL", "Parent élève", own_pupil)
        cls.portal_own = {
            "portal_pupil": {"educonnect.student": own_pupil,
                             "educonnect.guardian": pupil_guardian,
                             "educonnect.guardian.link": pupil_guardian.link_ids},
            "portal_guardian": {"educonnect.student": child,
                                "educonnect.guardian": parent,
                                "educonnect.guardian.link": parent.link_ids},
        }

        # SIECLE imports (with a report line) of each establishment.
        for company in (cls.college, cls.lycee):
            imported = cls.env["educonnect.siecle.import"].create({
                "company_id": company.id, "user_id": cls.env.uid})
            cls.data[company.id]["educonnect.siecle.import"] = imported
            cls.data[company.id]["educonnect.siecle.import.line"] = \
                cls.env["educonnect.siecle.import.line"].create({
                    "import_id": imported.id, "reason": "Ligne de test"})
        # Background batches: one per staff member, and a colleague's.
        cls.batches = {}
        for role in STAFF_ROLES + ("employee", "target"):
            owner = cls.target if role == "target" else cls.users[role]
            batch = cls.env["educonnect.batch"].create({
                "name": "Lot " + role, "action": "list", "population": "student",
                "user_id": owner.id, "company_id": cls.college.id})
            chunk = cls.env["educonnect.batch.chunk"].create({
                "batch_id": batch.id, "sequence": 1, "record_ids": "[]"})
            cls.batches[role] = {"educonnect.batch": batch,
                                 "educonnect.batch.chunk": chunk}
        cls.env.cr.execute(
            "INSERT INTO educonnect_auth_throttle (key, login, failures) "
            "VALUES ('login:matrix.locked', 'matrix.locked', 3) RETURNING id")
        cls.secrets = {
            "educonnect.auth.throttle": cls.env["educonnect.auth.throttle"].browse(
                cls.env.cr.fetchone()[0]),
            "educonnect.verification": cls.env["educonnect.verification"]._start(
                "recovery", "email", "secret@example.fr",
                cls.data[cls.college.id]["educonnect.student"]),
        }

    @classmethod
    def establishment_data(cls, company):
        """More records of ``company`` to probe: {model: record}."""
        return {}

    # -- the matrix itself ------------------------------------------------

    def test_matrix_covers_every_role_model_operation_and_establishment(self):
        cells = {(r["role"], r["subject"], r["operation"], r["establishment"])
                 for r in self.matrix}
        self.assertEqual(len(cells), len(self.matrix), "duplicate rows")
        self.assertTrue(all(r["expected"] in ("allow", "deny")
                            for r in self.matrix))
        missing = [(role, model, op, est)
                   for role in STAFF_ROLES + ("employee",)
                   for model in self.SCOPED_MODELS for op in OPS
                   for est in ("own", "other", "held")
                   if (role, model, op, est) not in cells]
        missing += [(role, model, op, est)
                    for role in ("portal_pupil", "portal_guardian")
                    for model in self.PORTAL_MODELS for op in OPS
                    for est in ("own", "other")
                    if (role, model, op, est) not in cells]
        for action in self.ACTIONS:
            missing += [(role, "action:" + action, "run", "own")
                        for role in STAFF_ROLES if (
                            role, "action:" + action, "run", "own") not in cells]
        self.assertEqual(missing, [])

    def test_no_access_right_exists_that_the_matrix_does_not_list(self):
        """Each ACL of an EduConnect model, or given to an EduConnect group,
        is an ``allow`` cell of the matrix for a role whose user has it."""
        allowed = {(r["role"], r["subject"], r["operation"])
                   for r in self.all_rows
                   if r["expected"] == "allow" and r["establishment"] == "own"}
        groups = {xmlid: self.env.ref("educonnect_accounts.group_educonnect_"
                                      + xmlid) for xmlid in STAFF_ROLES}
        acls = self.env["ir.model.access"].search([
            "|", ("model_id.model", "=like", "educonnect.%"),
            ("group_id", "in", [g.id for g in groups.values()])])
        self.assertTrue(acls)
        unlisted = []
        for acl in acls:
            if acl.model_id.transient:
                continue
            roles = [role for role, user in self.users.items()
                     if acl.group_id in user.groups_id]
            for op in OPS:
                if acl["perm_" + op] and not any(
                        (role, acl.model_id.model, op) in allowed
                        for role in roles):
                    unlisted.append((acl.name, op))
            if not acl.group_id:
                unlisted.append((acl.name, "no group"))
        self.assertEqual(unlisted, [])

    def test_matrix_troubleshooting_agent(self):
        self.check_role("troubleshooter")

    def test_matrix_delegated_agent(self):
        self.check_role("manager")

    def test_matrix_director(self):
        self.check_role("director")

    def test_matrix_employee_without_educonnect_role(self):
        self.check_role("employee")

    def test_matrix_administrator(self):
        self.check_role("administrator")

    def test_matrix_portal_pupil(self):
        self.check_role("portal_pupil")

    def test_matrix_portal_guardian(self):
        self.check_role("portal_guardian")

    # -- running a cell ------------------------------------------------------

    def check_role(self, role):
        failures = []
        rows = [r for r in self.matrix if r["role"] == role]
        self.assertTrue(rows)
        for row in rows:
            try:
                with self.env.cr.savepoint():
                    failure = self.run_cell(row)
                    if failure:
                        failures.append(failure)
                    raise _Rollback
            except _Rollback:
                pass
            finally:
                self.env.clear()
                self.env["ir.rule"].clear_caches()
        self.assertEqual(failures, [], "\n".join(map(str, failures)))

    def run_cell(self, row):
        role, subject, op, est = (row["role"], row["subject"],
                                  row["operation"], row["establishment"])
        user = self.users[role]
        company = self.college if est == "own" or role.startswith("portal") \
            else self.lycee
        if est == "held":
            user.write({"company_id": self.lycee.id})
        env = self.env(user=user.id)
        if subject.startswith("action:"):
            do, state = self.action_probe(env, role, subject[7:], company)
        else:
            do, state = self.model_probe(env, role, subject, op, est, company)
        before = state()
        label = (role, subject, op, est, row["expected"])
        if row["expected"] == "allow":
            try:
                with self.env.cr.savepoint():
                    result = do()
            except Exception as error:  # noqa: B902 - reported with the cell
                return label + ("refused: %r" % error,)
            self.env.clear()
            if op == "read" or subject in self.READ_ACTIONS:
                if not result:
                    return label + ("nothing read",)
            elif state() == before:
                return label + ("no effect",)
            return None
        try:
            with self.env.cr.savepoint():
                do()
        except AccessError:
            self.env.clear()
            if state() != before:
                return label + ("refused but changed",)
            return None
        except Exception as error:  # noqa: B902
            return label + ("not an AccessError: %r" % error,)
        return label + ("allowed",)

    def record(self, role, model, est, company):
        if model in USER_OWNED:
            return self.batches[role if est == "own" else "target"][model]
        if model in GLOBAL_SECRETS:
            return self.secrets[model]
        if role.startswith("portal"):
            if est == "own":
                return self.portal_own[role][model]
            return self.data[self.college.id][model]
        return self.data[company.id][model]

    def model_probe(self, env, role, model, op, est, company):
        admin = self.env
        if model == "res.users":
            target = self.users[role] if est == "own" else self.target
            field, value = {
                "write_groups": ("groups_id", [(4, self.env.ref(
                    "base.group_system").id)]),
                "write_company_ids": ("company_ids", [(4, self.third.id)]),
                "write_login": ("login", "matrix.changed"),
                "write_email": ("email", "changed@example.fr"),
            }[op]
            return (lambda: env["res.users"].browse(target.id).write(
                        {field: value}),
                    lambda: str(admin["res.users"].browse(target.id)[field]))
        if op == "read":
            rec = self.record(role, model, est, company)
            field = self.READ_FIELD[model]
            return (lambda: env[model].browse(rec.id).read([field])[0][field],
                    lambda: None)
        if op == "write":
            rec = self.record(role, model, est, company)
            vals = self.WRITE_VALS[model]
            return (lambda: env[model].browse(rec.id).write(vals),
                    lambda: admin[model].browse(rec.id).read(list(vals))[0])
        if op == "create":
            vals = self.create_vals(role, model, company)
            return (lambda: env[model].create(vals),
                    lambda: admin[model].with_context(
                        active_test=False).search_count([]))
        rec = self.record(role, model, est, company) \
            if role.startswith("portal") or model in (
                "educonnect.account.trace", "educonnect.delegation",
                "educonnect.account.count") \
            else self.throwaway(model, company)
        return (lambda: env[model].browse(rec.id).unlink(),
                lambda: bool(admin[model].browse(rec.id).exists()))

    def create_vals(self, role, model, company):
        data = self.data[company.id]
        return {
            "educonnect.student": {"last_name": "CREE", "first_name": role,
                                   "company_id": company.id},
            "educonnect.guardian": {"last_name": "CREE", "first_name": role,
                                    "company_id": company.id},
            "educonnect.guardian.link": {
                "student_id": data["lonely"].id,
                "guardian_id": data["educonnect.guardian"].id},
            "educonnect.class": {"name": "Créée " + role,
                                 "company_id": company.id},
            "educonnect.mef": {"code": "99999999999", "name": "CREE"},
            "educonnect.account.trace": {
                "action": "notify", "user_id": self.users[role].id,
                "company_id": company.id},
            "educonnect.account.count": {"company_id": company.id,
                                         "account_count": 1},
            "educonnect.delegation": {
                "user_id": self.candidate.id, "company_id": company.id,
                "role": "troubleshooter"},
            "educonnect.batch": {
                "name": "Nouveau lot", "action": "list", "population": "student",
                "user_id": self.users[role].id, "company_id": company.id},
            "educonnect.batch.chunk": {
                "batch_id": self.batches.get(role, self.batches["target"])[
                    "educonnect.batch"].id, "sequence": 2, "record_ids": "[]"},
        }[model]

    def throwaway(self, model, company):
        """A record to delete, made for the cell (rolled back after it)."""
        data = self.data[company.id]
        if model == "educonnect.guardian.link":
            return self.env[model].create({
                "student_id": data["lonely"].id,
                "guardian_id": data["educonnect.guardian"].id})
        if model == "educonnect.mef":
            return self.env[model].create({"code": "88888888888",
                                           "name": "JETABLE"})
        vals = {"educonnect.student": {"last_name": "JETABLE"},
                "educonnect.guardian": {"last_name": "JETABLE"},
                "educonnect.class": {"name": "Jetable"}}[model]
        return self.env[model].create(dict(vals, company_id=company.id))

    def action_probe(self, env, role, action, company):
        admin = self.env
        if role.startswith("portal"):
            own = self.portal_own[role]
            pupil, link = own["educonnect.student"], own["educonnect.guardian.link"]
        else:
            data = self.data[company.id]
            pupil = data["educonnect.student"]
            link = data["educonnect.guardian.link"]
        guardian = link.guardian_id

        def wizard(model, records, **values):
            return env[model].with_context(
                active_model=records._name, active_ids=records.ids,
                active_domain=[("id", "in", records.ids)]).create(values)

        def crypt(account):
            return lambda: admin[account._name].browse(account.id).read(
                ["provisional_password_crypt"])[0]["provisional_password_crypt"]

        def traces(kind):
            return lambda: admin["educonnect.account.trace"].search_count(
                [("action", "=", kind)])
        if action == "notify":
            target = pupil if role.startswith("portal") \
                else self.data[company.id]["lonely"]
            return (lambda: wizard("educonnect.notify.wizard",
                                   target).action_confirm(),
                    lambda: admin["educonnect.student"].browse(target.id).state
                    + str(traces("notify")()))
        if action == "notify_guardian":
            return (lambda: wizard("educonnect.notify.wizard", link,
                                   notification_type="letter").action_confirm(),
                    lambda: str(admin["educonnect.guardian"].browse(
                        guardian.id).notification_date) + str(traces("notify")()))
        if action == "list":
            return (lambda: wizard("educonnect.list.wizard", pupil,
                                   list_format="csv").action_confirm(),
                    traces("list"))
        if action == "list_guardian":
            return (lambda: wizard("educonnect.list.wizard", link,
                                   list_format="csv").action_confirm(),
                    traces("list"))
        if action == "reset":
            return (lambda: wizard("educonnect.reset.wizard",
                                   pupil).action_confirm(), crypt(pupil))
        if action == "reset_guardian":
            return (lambda: wizard("educonnect.reset.wizard",
                                   link).action_confirm(), crypt(guardian))
        raise AssertionError("unknown action %s" % action)
