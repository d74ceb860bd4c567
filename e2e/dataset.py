"""The data of the browser tests, created over XML-RPC as the administrator.

Small and deterministic (about forty accounts, a few seconds) instead of the
two-minute demo: a collège and a lycée, their classes, pupils and guardians in
known states, the director holding both establishments and a troubleshooting
agent of the collège.
"""
import datetime
import pathlib
import sys
import xmlrpc.client
from zoneinfo import ZoneInfo

# The one people generator of the project (pure Python: this suite runs
# without Odoo, on its own Python).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent
                       / "educonnect_accounts_demo" / "tools"))
import people  # noqa: E402

STAFF_PASSWORD = "Mot de passe e2e 2026"
PARIS = ZoneInfo("Europe/Paris")


def _company(school):
    return {"name": school["name"], "educonnect_uai": school["uai"],
            "educonnect_type": school["type"], "street": school["street"],
            "zip": school["zip"], "city": school["city"],
            "email": school["email"]}


COLLEGE = _company(people.COLLEGE)
LYCEE = _company(people.LYCEE)

# (class, last name, first name, gender, state); guardians are built from them.
COLLEGE_PUPILS = [
    ("6A", "DUPONT", "Léa", "F", "not_notified"),
    ("6A", "N'DIAYE", "Moussa", "M", "not_notified"),
    ("6A", "LEFÈVRE", "Chloé", "F", "not_notified"),
    ("6A", "MARTIN", "Zoé", "F", "activated"),
    ("6B", "GARCIA", "Hugo", "M", "not_notified"),
    ("6B", "ROUSSEAU", "Inès", "F", "not_notified"),
    ("6B", "BERNARD", "Jules", "M", "notified"),
    ("5A", "GARNIER", "Lucas", "M", "not_notified"),
    ("5A", "FONTAINE", "Emma", "F", "not_notified"),
    ("5A", "MOREL", "Noé", "M", "not_notified"),
]
LYCEE_PUPILS = [
    ("2nde 1", "LAMBERT", "Jade", "F", "not_notified"),
    ("2nde 1", "ROUX", "Tom", "M", "not_notified"),
    ("2nde 1", "PETIT", "Ambre", "F", "not_notified"),
]
# The guardians of the 5A pupils were notified by letter at the start of the
# year; three of them gave an e-mail address. (pupil last name: guardian's
# civility, first name, e-mail address or False, state)
_GUARDIANS = [
    ("GARNIER", "MME", "Nathalie", True, "notified"),
    ("FONTAINE", "M.", "Olivier", True, "notified"),
    ("MOREL", "MME", "Sylvie", True, "notified"),
    ("DUPONT", "MME", "Isabelle", True, "not_notified"),
    ("N'DIAYE", "M.", "Karim", False, "not_notified"),
    ("LEFÈVRE", "MME", "Céline", True, "activated"),
    ("MARTIN", "M.", "Éric", False, "notified"),
    ("GARCIA", "MME", "Valérie", True, "not_notified"),
    ("ROUSSEAU", "M.", "Franck", False, "not_notified"),
    ("BERNARD", "MME", "Hélène", True, "not_notified"),
]
COLLEGE_GUARDIANS = {
    last: (civility, first, has_mail and people.email(first, last), state)
    for last, civility, first, has_mail, state in _GUARDIANS}
MEFS = [("10010012110", "6EME"), ("10110001110", "5EME"),
        ("20010018110", "2NDE GT")]
CLASS_MEF = {"6A": "6EME", "6B": "6EME", "5A": "5EME", "2nde 1": "2NDE GT"}


def today():
    """Today for the staff (Europe/Paris)."""
    return datetime.datetime.now(PARIS).date()


def wait_until(condition, seconds, message, every=1.0):
    """Poll ``condition`` until it returns something true (returned, with
    the seconds waited); fail with ``message`` after ``seconds``."""
    import time
    start = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > seconds:
            raise AssertionError("%s (after %d s)" % (message, seconds))
        time.sleep(every)


def run_cron_now(admin, xmlid):
    """What an administrator does to run a scheduled action tonight's way
    but now: its next call set to now (Configuration › Actions planifiées).
    The served Odoo's cron worker then runs it within about a minute."""
    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    admin("ir.cron", "write", [admin.ref(xmlid)], {"nextcall": now})


class Rpc:
    """XML-RPC as one user."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        assert self.uid, "cannot sign in as %s over XML-RPC" % login
        self.models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object",
                                                allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password,
                                      model, method, list(args), kwargs)

    def ref(self, xmlid):
        return self("ir.model.data", "xmlid_to_res_id", xmlid, True)

    def run_code(self, model, code):
        """Run ``code`` as a server action (as the nightly jobs would)."""
        model_id = self("ir.model", "search", [("model", "=", model)])[0]
        action = self("ir.actions.server", "create", {
            "name": "e2e set-up", "model_id": model_id, "state": "code",
            # What run() returns goes back over XML-RPC (None cannot).
            "code": code + "\naction = {'type': 'ir.actions.act_window_close'}"})
        try:
            self("ir.actions.server", "run", [action])
        finally:
            self("ir.actions.server", "unlink", [action])


def build(admin, smtp_port, base_url):
    """Create everything; returns the ids and names the scenarios use."""
    _configure(admin, smtp_port, base_url)
    college, lycee, classes, mefs = _establishments(admin)
    generator = people.People(2026)
    college_pupils = _pupils(admin, generator, COLLEGE_PUPILS, college,
                             classes, mefs)
    lycee_pupils = _pupils(admin, generator, LYCEE_PUPILS, lycee, classes,
                           mefs)
    guardians = {}
    for pupil, (civility, first, mail, _state) in COLLEGE_GUARDIANS.items():
        guardians[pupil] = admin("educonnect.guardian", "create", {
            "last_name": pupil, "first_name": first, "civility": civility,
            "email": mail, "company_id": college,
            "siecle_id": "E2EP%s" % college_pupils[pupil]})
        admin("educonnect.guardian.link", "create", {
            "student_id": college_pupils[pupil], "guardian_id": guardians[pupil],
            "legal_level": "1",
            "relationship": "mother" if civility == "MME" else "father"})
    _earlier_in_the_year(admin, college_pupils, guardians)
    director, troubleshooter = _staff(admin, college, lycee)
    agent = _delegated_agent(admin, college)
    return {
        "college": college, "lycee": lycee, "classes": classes,
        "college_pupils": college_pupils, "lycee_pupils": lycee_pupils,
        "guardians": guardians, "director": director,
        "troubleshooter": troubleshooter, "agent": agent,
    }


def _configure(admin, smtp_port, base_url):
    admin("res.users", "write", [admin.uid], {"lang": "fr_FR",
                                               "tz": "Europe/Paris"})
    for key, value in (("web.base.url", base_url),
                       ("web.base.url.freeze", "True"),
                       ("report.url", base_url)):
        admin("ir.config_parameter", "set_param", key, value)
    # Outgoing mail goes to the suite's loopback catcher, set as an
    # administrator does: Configuration › Paramètres généraux.
    settings = admin("res.config.settings", "create", {
        "educonnect_smtp_host": "127.0.0.1", "educonnect_smtp_port": smtp_port,
        "educonnect_smtp_encryption": "none"})
    admin("res.config.settings", "execute", [settings])
    # A refused mail is tried once more at the next run of the mail queue
    # (2, 10 and 30 minutes later by default).
    admin("ir.config_parameter", "set_param",
          "educonnect_accounts.mail_retry_minutes", "0")


def _establishments(admin):
    """The collège (Odoo's main company) and the lycée, MEF and classes."""
    france = admin.ref("base.fr")
    college = admin.ref("base.main_company")
    admin("res.company", "write", [college], dict(
        COLLEGE, country_id=france, educonnect_academy="lille"))
    lycee = admin("res.company", "create", dict(
        LYCEE, country_id=france, educonnect_academy="lille", parent_id=False))
    mefs = {name: admin("educonnect.mef", "create", {
        "code": code, "name": name, "long_name": name, "formation": name})
        for code, name in MEFS}
    classes = {}
    for name, company in (("6A", college), ("6B", college), ("5A", college),
                          ("2nde 1", lycee)):
        classes[name] = admin("educonnect.class", "create", {
            "name": name, "code": name.replace(" ", ""),
            "mef_id": mefs[CLASS_MEF[name]], "company_id": company})
    return college, lycee, classes, mefs


def _pupils(admin, generator, spec, company, classes, mefs):
    """{last name: id}; the birth dates drawn from the people generator."""
    result = {}
    for n, (klass, last, first, gender, _state) in enumerate(spec):
        result[last] = admin("educonnect.student", "create", {
            "last_name": last, "first_name": first, "gender": gender,
            "class_id": classes[klass], "mef_id": mefs[CLASS_MEF[klass]],
            "company_id": company,
            "birth_date": generator.birth_date(
                people.LEVEL_AGES[klass[0]]).isoformat(),
            "siecle_id": "E2E%s%03d" % (company, n)})
    return result


def _earlier_in_the_year(admin, college_pupils, guardians):
    """Accounts handed out earlier in the year (as the demo generator does),
    and the statistics of two earlier nights."""
    # The history graph needs earlier nights: one before the year started.
    day = today()
    admin.run_code("educonnect.stats.line",
                   "model._cron_compute_statistics('%s')"
                   % (day - datetime.timedelta(days=7)).isoformat())
    notified_on = (day - datetime.timedelta(days=20)).isoformat()
    last_login = "%s 15:30:00" % (day - datetime.timedelta(days=3)).isoformat()
    for model, ids_states in (
            ("educonnect.student",
             [(college_pupils[p[1]], p[4]) for p in COLLEGE_PUPILS]),
            ("educonnect.guardian",
             [(guardians[p], g[3]) for p, g in COLLEGE_GUARDIANS.items()])):
        for rec_id, state in ids_states:
            if state == "not_notified":
                continue
            values = {"state": state, "origin": "school",
                      "notification_date": notified_on}
            if state == "activated":
                values["last_login_date"] = last_login
            admin(model, "write", [rec_id], values)
    admin.run_code("educonnect.stats.line",
                   "model._cron_compute_statistics('%s')"
                   % (day - datetime.timedelta(days=1)).isoformat())


def _staff(admin, college, lycee):
    """The director of both establishments and the collège's
    troubleshooting agent; returns their ids."""
    groups = {x: admin.ref(x) for x in (
        "educonnect_accounts.group_educonnect_director",
        "educonnect_accounts.group_educonnect_troubleshooter",
        "base.group_multi_company", "base.group_user")}
    director = admin("res.users", "create", {
        "login": "direction.college", "name": "Claire Fontaine (principale)",
        "password": STAFF_PASSWORD, "email": "direction.college@ac-lille.example",
        "lang": "fr_FR", "tz": "Europe/Paris",
        # Signed in on the lycée: the scenarios choose the collège.
        "company_id": lycee, "company_ids": [(6, 0, [college, lycee])],
        "groups_id": [(6, 0, [groups["educonnect_accounts.group_educonnect_director"],
                              groups["base.group_multi_company"],
                              groups["base.group_user"]])]})
    troubleshooter = admin("res.users", "create", {
        "login": "depannage.college", "name": "Marc Delattre (dépannage)",
        "password": STAFF_PASSWORD, "email": "depannage.college@ac-lille.example",
        "lang": "fr_FR", "tz": "Europe/Paris",
        "company_id": college, "company_ids": [(6, 0, [college])],
        "groups_id": [(6, 0, [
            groups["educonnect_accounts.group_educonnect_troubleshooter"],
            groups["base.group_user"]])]})
    return director, troubleshooter


def _delegated_agent(admin, college):
    """The collège's delegated agent (agent délégué); returns its id."""
    return admin("res.users", "create", {
        "login": "agent.college", "name": "Sophie Lemaire (agent délégué)",
        "password": STAFF_PASSWORD, "email": "agent.college@ac-lille.example",
        "lang": "fr_FR", "tz": "Europe/Paris",
        "company_id": college, "company_ids": [(6, 0, [college])],
        "groups_id": [(6, 0, [
            admin.ref("educonnect_accounts.group_educonnect_manager"),
            admin.ref("base.group_user")])]})
