"""The attack surface, generated from the registry (issue 15).

Hand-picked cases miss what Odoo exposes by default: this test asks the
registry what there is and probes all of it, over XML-RPC against the Odoo
this test serves (never the ORM), as each role, on a record of the role's
establishment and on one of another establishment. What comes back allowed
must be exactly the committed matrix ``tests/data/attack_surface.csv``
(another addon's test, e.g. the statistics', extends ``SurfaceSpec`` and
this test: its own cells, those its models and fields add, are in its own
``tests/data/attack_surface.csv``): a new
field, a new public method or a loosened rule shows as a cell the matrix does
not list, a tightened one as a listed cell that is no longer allowed.

Models
    every model the addon defines or extends with fields (``ir.model.data``
    of the modules: ``field_*`` records), transient wizards included, abstract
    ones left out, plus ``mail.mail``, ``mail.message``, ``ir.attachment``,
    ``res.partner``, ``res.users`` and ``queue.job``.

Roles
    ``director``, ``manager`` (delegated agent) and ``troubleshooter`` hold
    establishments A and B, A chosen, the role (an ``educonnect.delegation``)
    in A only; ``portal_pupil`` and ``portal_guardian`` are the portal users
    that ``_educonnect_activate`` created for a pupil and a guardian (with a
    child) of A; ``anonymous``: XML-RPC ``authenticate`` with a wrong
    password gives no uid.

Establishments
    ``own``: a record of A (for the portal users: their own account, their
    child / guardian and the link between them, their own user and partner);
    ``other``: the same kind of record of B. Records that belong to a user
    are the role's own in A and B's director's in B: background batches
    (with a chunk and its file; the portal users have none, A's director's
    are probed), and the records of transient models (wizards, Accueil,
    statistics, settings), which the role opens itself over RPC as its
    screens do; when it cannot, it has none and every cell of it is
    refused. ``res.users`` and ``res.partner``: ``own`` is the portal user
    (partner) of a pupil of A, ``other`` of a pupil of B, and staff have a
    third establishment, ``self``: their own user (partner). Global records
    (``educonnect.mef``) are the same record in both.

Cells (``role,model,establishment,operation``; the file lists the allowed
ones only)
    ``read:<field>``
        every field of the model but ``id`` (the caller's own input):
        allowed when the value comes back. All fields are read in one call;
        when that is refused, and the record itself is refused (no read
        access right, ``check_access_rule('read')`` refuses, or a plain
        stored field cannot be read), every stored or inherited field is
        refused with it (Odoo reads them through the rules) and the
        computed fields are tried together once; otherwise the fields are
        split in halves until each refusal is pinned to its field (always
        so on the user's own ``res.users`` record, which Odoo reads as the
        superuser for a list of fields). Odoo's mask of private user fields
        (``********``) is not the value: refused.
    ``write:<field>``
        every stored field or field with an inverse, except binary and
        password-like fields and the columns Odoo fills itself: the
        record's *current* value is written back (no effect: the access
        rights, the rules and the addons' own checks do not depend on the
        value); allowed when it returns (tried all at once, then by halves;
        a value XML-RPC cannot carry back is a return).
        Not tried when ``check_access_rights('write')`` or
        ``check_access_rule('write')`` refuses, except on the user's own
        ``res.users`` record (Odoo writes a list of them as the superuser).
    ``create`` (under ``own`` only) and ``unlink``
        ``check_access_rights(op, False)`` over RPC, with
        ``check_access_rule('unlink')`` on the record for unlink. Nothing is
        really created or deleted here, except a transient record (it has no
        access rights: the role's real create says) and a copy of the
        attachment (its access follows its document, checked in its own
        ``unlink``): the real create and unlink tries of our models, with
        their own checks, are ``test_rights_matrix.py``'s.
    ``call:<method>``
        every public method (no leading underscore) that the addons' own
        Python classes define, except the ORM's (``create``, ``read``,
        ``write``…: the cells above), called over XML-RPC with no extra
        argument, on the ``other`` record first, then on the ``own`` one
        (``@api.model`` methods: once, without record, under ``own``):
        allowed when it returns without error (a result XML-RPC cannot
        carry, e.g. ``None``, is a return). The calls run after every other
        probe, on records made afresh for each role, the methods that change
        things last (``CALLED_LAST``).

Regenerating the matrix (a field, a method, a rule changed on purpose)::

    EDUCONNECT_WRITE_SURFACE=1 bin/test educonnect_accounts/tests/test_attack_surface.py

writes what was observed to ``tests/data/attack_surface.csv`` instead of
comparing; read the diff (``git diff``) cell by cell before committing it.
``EDUCONNECT_SURFACE_LOG=/tmp/surface.csv`` also writes every cell probed,
allowed or not, with the reason of each refusal.

Everything the test makes is committed (the served Odoo must see it) and
removed afterwards, whatever happened. About 3,600 calls, a minute on two
cores.
"""
import base64
import csv
import os
import time
import unittest
import xmlrpc.client
from collections import defaultdict

from odoo import SUPERUSER_ID, models
from odoo.tests.common import get_db_name

from .committed import committed_env, ensure_http_server

SURFACE = os.path.join(os.path.dirname(__file__), "data", "attack_surface.csv")
REGENERATE = "EDUCONNECT_WRITE_SURFACE"
LOG = "EDUCONNECT_SURFACE_LOG"
CORE_MODELS = ("mail.mail", "mail.message", "ir.attachment", "res.partner",
               "res.users", "queue.job")
STAFF = ("director", "manager", "troubleshooter")
PORTAL = ("portal_pupil", "portal_guardian")
ROLES = STAFF + PORTAL
PREFIX = "SURFACE"
PASSWORD = "surface : un mot de passe de test assez long"
#: Never written back: secrets, and what Odoo fills itself (dropped anyway).
NOT_WRITTEN = frozenset({"password", "new_password", "password_crypt",
                         "parent_left", "parent_right"}
                        | set(models.MAGIC_COLUMNS))
MASK = "********"
#: What a call returned that XML-RPC cannot carry (``None``, ``Markup``…).
UNMARSHALLABLE = object()
#: Methods that change things: called after the others of their model.
CALLED_LAST = ("action_confirm", "action_resume", "action_withdraw",
               "action_recompute", "action_educonnect_resend_email",
               "action_educonnect_unlock", "action_educonnect_test_smtp",
               "set_values", "send", "action_choose_establishment")
HEADER = ("role", "model", "establishment", "operation")
#: Tables whose rows made during the test are deleted by id afterwards.
MARKED_TABLES = (
    "mail_message", "mail_mail", "mail_followers", "mail_tracking_value",
    "queue_job", "ir_attachment", "educonnect_account_trace",
    "educonnect_verification", "educonnect_auth_throttle", "educonnect_batch",
    "educonnect_siecle_import", "bus_bus", "res_users_log",
    "educonnect_list_wizard", "educonnect_notify_wizard",
    "educonnect_reset_wizard", "educonnect_siecle_import_wizard",
    "educonnect_home", "res_config_settings", "ir_mail_server")
#: The mail server of the settings gets a password, so that reading it
#: anywhere is seen (an inactive server: nothing is sent through it).
SMTP_SECRET = "surface-smtp-secret"


# -- what is probed ----------------------------------------------------------------

class SurfaceSpec:
    """The addons whose surface is probed, where their cells are committed,
    and the records of theirs the probes need. An addon extending the
    accounts gives its own (a subclass) to a subclass of the test."""
    addons = ("educonnect_accounts",)
    #: The committed cells this test compares to, and writes on request.
    surface = SURFACE
    #: Cells committed by the addons below (compared to, never written).
    base_surfaces = ()
    marked_tables = MARKED_TABLES
    #: Tables whose rows of the test's establishments are deleted afterwards.
    company_tables = ("educonnect_guardian", "educonnect_student",
                      "educonnect_class")

    def transient_specs(self, pupil_id):
        """{transient model: (context, values)}: how the role opens each
        one (a pupil of the list selected for the account wizards)."""
        return _transient_specs(pupil_id)

    def establishment_records(self, env, company):
        """{model: id}: more records of ``company`` to probe."""
        return {}

    def load(self):
        """The committed cells: this addon's and those of the ones below."""
        cells = set()
        for path in (self.surface,) + tuple(self.base_surfaces):
            cells |= load_surface(path)
        return cells

    def write(self, observed):
        """Writes what was observed beyond the cells of the addons below."""
        base = set()
        for path in self.base_surfaces:
            base |= load_surface(path)
        write_surface(observed - base, self.surface)


# -- the registry ---------------------------------------------------------------

def surface_models(env, addons):
    """Concrete models the addons define or extend with fields (a model
    they only extend with a method override, e.g. ``ir.model.data``, has
    nothing of theirs to probe), and Odoo's core ones."""
    env.cr.execute(
        "SELECT DISTINCT f.model FROM ir_model_data d "
        "JOIN ir_model_fields f ON f.id = d.res_id "
        "WHERE d.model = 'ir.model.fields' AND d.module IN %s", [tuple(addons)])
    names = {row[0] for row in env.cr.fetchall()} | set(CORE_MODELS)
    return sorted(n for n in names if n in env and not env[n]._abstract)


def read_fields(env, model):
    """Every field but ``id`` (the caller's own input)."""
    return sorted(name for name in env[model]._fields if name != "id")


def computed_fields(env, model):
    """Fields read without going through the database (nor the rules)."""
    return {name for name, field in env[model]._fields.items()
            if not field.store and not field.base_field.store}


def write_fields(env, model):
    return sorted(
        name for name, field in env[model]._fields.items()
        if (field.store or field.inverse) and field.type != "binary"
        and name not in NOT_WRITTEN)


def own_methods(env, model, addons):
    """{name: takes records} of the public methods the addons' classes
    define on ``model``, the ORM's overrides left out."""
    cls = type(env[model])
    found = {}
    prefixes = tuple("odoo.addons.%s." % addon for addon in addons)
    for klass in cls.__mro__:
        if not klass.__module__.startswith(prefixes):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or hasattr(models.BaseModel, name):
                continue
            if callable(value) or isinstance(value, (classmethod, staticmethod)):
                method = getattr(cls, name)
                found[name] = getattr(method, "_api", None) != "model"
    return found


def call_order(methods):
    return sorted(methods, key=lambda n: (n in CALLED_LAST, n))


# -- the data ---------------------------------------------------------------------

class World:
    """Ids of everything the probes need, made in committed transactions."""

    def __init__(self):
        self.users = {}        # role -> res.users id
        self.logins = {}       # role -> login
        self.records = {}      # "probe"/"call" -> role -> model -> est -> id
        self.companies = (0,)
        self.others = []       # every other user made (targets, B, portal)
        self.mail_server_param = False
        self.spec = SurfaceSpec()


def _user(env, login, companies, groups=()):
    base = [env.ref("base.group_user").id, env.ref("base.group_multi_company").id]
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": login, "login": login, "password": PASSWORD, "lang": "fr_FR",
        "email": login + "@example.fr",
        "company_id": companies[0].id, "company_ids": [(6, 0, companies.ids)],
        "groups_id": [(6, 0, base + list(groups))]})


def _student(env, tag, klass, **vals):
    vals.update({"last_name": PREFIX + tag, "first_name": "Eleve",
                 "company_id": klass.company_id.id, "class_id": klass.id,
                 "mef_id": klass.mef_id.id})
    return env["educonnect.student"].create(vals)


def _guardian(env, tag, children, **vals):
    vals.update({"last_name": PREFIX + tag, "first_name": "Responsable",
                 "company_id": children[0].company_id.id})
    guardian = env["educonnect.guardian"].create(vals)
    for child in children:
        env["educonnect.guardian.link"].create({
            "student_id": child.id, "guardian_id": guardian.id,
            "legal_level": "1", "relationship": "mother"})
    return guardian


def _establishment(env, tag, company, klass, mef, target):
    """One record of each establishment-scoped model, in ``company``."""
    email = "surface.%s.%d@example.fr" % (tag, company.id)
    pupil = _student(env, tag, klass, email="eleve." + email, gender="F",
                     birth_date="2012-03-04", ine="123456789AB")
    guardian = _guardian(env, tag, pupil, email="resp." + email,
                         mobile="0600000000", civility="MME")
    pupil._educonnect_notify()
    guardian._educonnect_notify()
    guardian._educonnect_send_activation_emails()
    mail = env["mail.mail"].search([
        ("educonnect_res_model", "=", "educonnect.guardian"),
        ("educonnect_res_id", "=", guardian.id)], limit=1)
    job = env["queue.job"].search([("model_name", "=", "mail.mail")],
                                  order="id desc").filtered(
        lambda j: mail.id in (j.record_ids or []))[:1]
    job.write({"company_id": company.id})
    trace = env["educonnect.account.trace"].create({
        "action": "notify", "population": "student", "user_id": SUPERUSER_ID,
        "company_id": company.id, "account_count": 1, "details": PREFIX,
        "student_ids": [(6, 0, pupil.ids)]})
    delegation = env["educonnect.delegation"].create({
        "user_id": target.id, "company_id": company.id,
        "role": "troubleshooter"})
    imported = env["educonnect.siecle.import"].create({
        "company_id": company.id, "user_id": SUPERUSER_ID})
    import_line = env["educonnect.siecle.import.line"].create({
        "import_id": imported.id, "reason": PREFIX, "name": pupil.name})
    verification = env["educonnect.verification"]._start(
        "recovery", "email", pupil.email, pupil)
    env.cr.execute(
        "INSERT INTO educonnect_auth_throttle (key, login, failures) "
        "VALUES (%s, %s, 1) RETURNING id",
        ["login:" + pupil.login.lower(), pupil.login.lower()])
    throttle = env.cr.fetchone()[0]
    # The counts' row of this pupil (all the establishment's pupils made
    # here share it: their first one's id names it).
    count = env["educonnect.account.count"].search([
        ("company_id", "=", company.id), ("population", "=", "student"),
        ("state", "=", pupil.state), ("origin", "=", pupil.origin),
        ("class_id", "=", klass.id), ("mef_id", "=", pupil.mef_id.id)])
    return {
        "educonnect.student": pupil.id, "educonnect.guardian": guardian.id,
        "educonnect.guardian.link": guardian.link_ids.id,
        "educonnect.class": klass.id, "educonnect.mef": mef.id,
        "res.company": company.id, "mail.mail": mail.id,
        "mail.message": mail.mail_message_id.id, "queue.job": job.id,
        "educonnect.account.trace": trace.id,
        "educonnect.account.count": count.id,
        "educonnect.delegation": delegation.id,
        "educonnect.siecle.import": imported.id,
        "educonnect.siecle.import.line": import_line.id,
        "educonnect.verification": verification.id,
        "educonnect.auth.throttle": throttle,
    }


def _transient_specs(pupil_id):
    """{transient model: (context, values)}: how the role opens each one
    (a pupil of the list selected for the account wizards)."""
    selection = {"active_model": "educonnect.student",
                 "active_ids": [pupil_id],
                 "active_domain": [("id", "=", pupil_id)]}
    return {
        "educonnect.list.wizard": (selection, {"list_format": "csv"}),
        "educonnect.notify.wizard": (selection, {}),
        "educonnect.reset.wizard": (selection, {}),
        "educonnect.siecle.import.wizard": ({}, {}),
        "educonnect.home": ({}, {}),
        "res.config.settings": ({}, {}),
    }


def _owned(env, spec, batch_owner, company, pupil_id, transient_owner=None):
    """The records that belong to a user: a background batch of
    ``batch_owner`` (with a chunk and its file) and, with
    ``transient_owner``, one record of each transient model made as the
    superuser and handed to that user (the ``other`` ones; the role makes
    its own over RPC, see ``Prober.open_transients``)."""
    batch = env["educonnect.batch"].create({
        "name": PREFIX, "action": "list", "population": "student",
        "user_id": batch_owner.id, "company_id": company.id,
        "state": "failed", "source_model": "educonnect.student",
        "total_count": 1, "chunk_count": 1, "result_message": PREFIX})
    chunk = env["educonnect.batch.chunk"].create({
        "batch_id": batch.id, "sequence": 1, "record_ids": str(pupil_id),
        "record_count": 1})
    attachment = env["ir.attachment"].with_context(
        educonnect_no_index=True).create({
            "name": "surface.pdf", "datas_fname": "surface.pdf",
            "datas": base64.b64encode(b"%PDF-1.4 surface"),
            "mimetype": "application/pdf", "res_model": "educonnect.batch",
            "res_id": batch.id})
    batch.attachment_id = attachment
    chunk.attachment_id = attachment
    records = {"educonnect.batch": batch.id, "educonnect.batch.chunk": chunk.id,
               "ir.attachment": attachment.id}
    if transient_owner:
        for model, (context, vals) in spec.transient_specs(pupil_id).items():
            record = env[model].with_context(**context).create(dict(vals, **(
                    {"company_id": company.id}
                    if "company_id" in env[model]._fields else {})))
            # Transient records are their creator's only (Odoo's rule).
            env.cr.execute("UPDATE %s SET create_uid = %%s, write_uid = %%s "
                           "WHERE id = %%s" % record._table,
                           [transient_owner.id, transient_owner.id, record.id])
            records[model] = record.id
    return records


def build_world(world):
    with committed_env() as env:
        env = env(context={"tracking_disable": True})
        Company = env["res.company"]
        a = Company.create({"name": PREFIX + " Collège A"})
        b = Company.create({"name": PREFIX + " Lycée B"})
        world.companies = (a.id, b.id)
        both = a | b
        mef = env["educonnect.mef"].create({"code": "77777777701",
                                            "name": PREFIX})
        klass = {a: env["educonnect.class"].create({
                     "name": PREFIX + " A", "company_id": a.id,
                     "mef_id": mef.id}),
                 b: env["educonnect.class"].create({
                     "name": PREFIX + " B", "company_id": b.id,
                     "mef_id": mef.id})}
        Delegation = env["educonnect.delegation"]
        staff = {}
        for role in STAFF:
            staff[role] = _user(env, "surface." + role, both)
            Delegation.create({"user_id": staff[role].id, "company_id": a.id,
                               "role": role})
        director_b = _user(env, "surface.direction.b", b)
        world.others.append(director_b.id)
        Delegation.create({"user_id": director_b.id, "company_id": b.id,
                           "role": "director"})
        # The outgoing mail server of the settings, with its password
        # (inactive: nothing is sent through it).
        server = env["ir.mail_server"].create({
            "name": PREFIX, "smtp_host": "smtp.surface.invalid",
            "smtp_port": 587, "smtp_user": "surface",
            "smtp_pass": SMTP_SECRET, "active": False})
        params = env["ir.config_parameter"]
        world.mail_server_param = params.get_param(
            "educonnect_accounts.mail_server_id") or False
        params.set_param("educonnect_accounts.mail_server_id", server.id)

        # Portal users, made at activation as in production: a pupil of A,
        # a guardian of A whose child is the pupil of A that staff probe,
        # a pupil of B (the ``other`` user and partner).
        extra = {}

        def records_for(tag):
            target = _user(env, "surface.cible." + tag, both)
            world.others.append(target.id)
            per_est = {"own": _establishment(env, tag, a, klass[a], mef, target),
                       "other": _establishment(env, tag, b, klass[b], mef,
                                               target)}
            for est, company in (("own", a), ("other", b)):
                if company not in extra:
                    extra[company] = world.spec.establishment_records(
                        env, company)
                per_est[est].update(extra[company])
            return per_est

        shared = records_for("commun")
        child = env["educonnect.student"].browse(
            shared["own"]["educonnect.student"])
        guardian_a = env["educonnect.guardian"].browse(
            shared["own"]["educonnect.guardian"])
        pupil_a = _student(env, "portail", klass[a],
                           email="portail.a@example.fr")
        env["educonnect.guardian.link"].create({
            "student_id": pupil_a.id, "guardian_id": guardian_a.id,
            "legal_level": "2", "relationship": "father"})
        parent_a = _guardian(env, "portail", child,
                             email="parent.a@example.fr")
        pupil_b = _student(env, "portail", klass[b],
                           email="portail.b@example.fr")
        portal = {}
        for role, account in (("portal_pupil", pupil_a),
                              ("portal_guardian", parent_a),
                              ("pupil_b", pupil_b)):
            account._educonnect_notify()
            portal[role] = account._educonnect_activate(PASSWORD)
            world.others.append(portal[role].id)
        users = dict(staff, portal_pupil=portal["portal_pupil"],
                     portal_guardian=portal["portal_guardian"])
        world.users = {role: u.id for role, u in users.items()}
        world.logins = {role: u.login for role, u in users.items()}
        portal_own = {
            "portal_pupil": {
                "educonnect.student": pupil_a.id,
                "educonnect.guardian": guardian_a.id,
                "educonnect.guardian.link": (pupil_a.guardian_link_ids
                                             & guardian_a.link_ids).id},
            "portal_guardian": {
                "educonnect.student": child.id,
                "educonnect.guardian": parent_a.id,
                "educonnect.guardian.link": parent_a.link_ids.id},
        }
        people = {"own": portal["portal_pupil"], "other": portal["pupil_b"]}

        def role_records(role, per_est):
            me = users[role]
            result = defaultdict(dict)
            for est in ("own", "other"):
                for model, rec_id in per_est[est].items():
                    result[model][est] = rec_id
            if role in PORTAL:
                result.update({model: dict(result[model], own=rec_id)
                               for model, rec_id in portal_own[role].items()})
                result["res.users"] = {"own": me.id,
                                       "other": people["other"].id}
                result["res.partner"] = {"own": me.partner_id.id,
                                         "other": people["other"].partner_id.id}
            else:
                result["res.users"] = {"own": people["own"].id,
                                       "other": people["other"].id,
                                       "self": me.id}
                result["res.partner"] = {
                    "own": people["own"].partner_id.id,
                    "other": people["other"].partner_id.id,
                    "self": me.partner_id.id}
            # Batches: portal users have none, A's director's is theirs.
            batch_owner = me if role in STAFF else users["director"]
            for model, rec_id in _owned(
                    env, world.spec, batch_owner, a,
                    result["educonnect.student"]["own"]).items():
                result[model]["own"] = rec_id
            for model, rec_id in _owned(
                    env, world.spec, director_b, b, result["educonnect.student"]["other"],
                    transient_owner=director_b).items():
                result[model]["other"] = rec_id
            # Opened by the role itself over RPC (None until then).
            for model in world.spec.transient_specs(0):
                result[model]["own"] = None
            missing = [(m, est) for m, ids in result.items()
                       for est, rec_id in ids.items()
                       if not rec_id and m not in world.spec.transient_specs(0)]
            assert not missing, "fixtures not made: %s" % missing
            return dict(result)

        world.records["probe"] = {role: role_records(role, shared)
                                  for role in ROLES}
        # The calls change things: each role gets records of its own.
        world.records["call"] = {
            role: role_records(role, records_for(role.replace("_", ".")))
            for role in ROLES}


def remove_world(world, marks, throttle_rows):
    with committed_env() as env:
        cr = env.cr
        env["ir.config_parameter"].set_param(
            "educonnect_accounts.mail_server_id", world.mail_server_param)
        for table, mark in marks.items():
            cr.execute("DELETE FROM %s WHERE id > %%s" % table, [mark])
        # The counters of addresses (the loopback's), as they were.
        cr.execute("DELETE FROM educonnect_auth_throttle WHERE key LIKE 'addr:%%'")
        for row in throttle_rows:
            cr.execute("INSERT INTO educonnect_auth_throttle "
                       "(id, key, login, address, failures, last_failure, "
                       "locked_until) VALUES (%s, %s, %s, %s, %s, %s, %s)", row)
        companies = tuple(world.companies)
        for table in world.spec.company_tables:
            cr.execute("DELETE FROM %s WHERE company_id IN %%s" % table,
                       [companies])
        user_ids = tuple(list(world.users.values()) + world.others) or (0,)
        cr.execute("DELETE FROM educonnect_delegation WHERE company_id IN %s "
                   "OR user_id IN %s", [companies, user_ids])
        cr.execute("DELETE FROM educonnect_mef WHERE name = %s", [PREFIX])
        users = env["res.users"].with_context(active_test=False).browse(
            user_ids).exists()
        partners = users.mapped("partner_id")
        users.unlink()
        partners.unlink()
        companies = env["res.company"].browse(list(companies)).exists()
        company_partners = companies.mapped("partner_id")
        companies.unlink()
        company_partners.unlink()


# -- probing over XML-RPC -----------------------------------------------------------

def _returned(fault):
    """The method ran (and committed) but XML-RPC cannot carry its result."""
    text = fault.faultString
    return fault.faultCode == 1 and "xmlrpc/client.py" in text and (
        "cannot marshal" in text or "dictionary key must be string" in text)


def _reason(fault):
    lines = [l for l in fault.faultString.strip().splitlines() if l.strip()]
    return (lines[-1] if fault.faultCode == 1 and lines else
            " ".join(lines[:1]))[:160]


class Prober:

    def __init__(self, world, port, db):
        self.world, self.db = world, db
        url = "http://127.0.0.1:%s/xmlrpc/2/" % port
        self.common = xmlrpc.client.ServerProxy(url + "common")
        self.object = xmlrpc.client.ServerProxy(url + "object", allow_none=True)
        self.uids = {}
        self.calls = 0
        self.observed = set()   # allowed cells
        self.probed = set()     # every cell asked
        self.reasons = {}       # refused cell -> why

    def uid(self, role):
        if role not in self.uids:
            self.uids[role] = self.common.authenticate(
                self.db, self.world.logins[role], PASSWORD, {})
            assert self.uids[role], "%s cannot sign in" % role
        return self.uids[role]

    def rpc(self, role, model, method, args, kwargs=None):
        """(True, result) or (False, reason)."""
        for attempt in (1, 2):
            self.calls += 1
            try:
                return True, self.object.execute_kw(
                    self.db, self.uid(role), PASSWORD, model, method, args,
                    kwargs or {})
            except xmlrpc.client.Fault as fault:
                if _returned(fault):
                    return True, UNMARSHALLABLE
                if fault.faultCode == 3 and attempt == 1 and role in PORTAL:
                    # A call revoked the portal user's password (a reset
                    # of its account): give it back and try again.
                    self.restore_password(role)
                    continue
                return False, _reason(fault)

    def restore_password(self, role):
        with committed_env() as env:
            env["res.users"].browse(self.world.users[role]).write(
                {"password": PASSWORD, "active": True})

    def write_log(self, path):
        """Every cell probed, allowed or why refused (a CSV)."""
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER + ("allowed", "reason"))
            for key in sorted(self.probed):
                writer.writerow(key + (int(key in self.observed),
                                       self.reasons.get(key, "")))

    def cell(self, role, model, est, op, allowed, reason=None):
        key = (role, model, est, op)
        self.probed.add(key)
        if allowed:
            self.observed.add(key)
        elif reason:
            self.reasons[key] = reason

    # -- the probes ---------------------------------------------------------

    def open_transients(self, role, records):
        """The role opens each transient model (wizards, settings…) itself,
        as its screens do: that record is its ``own`` one, if it can."""
        opened = {}
        specs = self.world.spec.transient_specs(
            records["educonnect.student"]["own"])
        for model, (context, vals) in specs.items():
            ok, result = self.rpc(role, model, "create", [vals],
                                  {"context": context})
            opened[model] = (ok, result)
            records[model]["own"] = result if ok else None
        return opened

    def probe_model(self, role, model, targets, shape, opened=None):
        fields_, writable, computed = shape
        rights = {}
        for op in ("read", "write", "create", "unlink"):
            ok, result = self.rpc(role, model, "check_access_rights", [op],
                                  {"raise_exception": False})
            rights[op] = bool(ok and result)
        if opened:
            # Transient: no access rights in Odoo 11, the real create says.
            ok, result = opened
            self.cell(role, model, "own", "create", ok, None if ok else result)
        else:
            self.cell(role, model, "own", "create", rights["create"],
                      "no create access right")
        for est, rec_id in sorted(targets.items()):
            if not rec_id:
                reason = "none: the role cannot open one (%s)" % (
                    opened[1] if opened else "")
                for op in (["read:" + n for n in fields_]
                           + ["write:" + n for n in writable] + ["unlink"]):
                    self.cell(role, model, est, op, False, reason)
                continue
            is_me = model == "res.users" and rec_id == self.world.users[role]
            self.probe_read(role, model, est, rec_id, fields_, rights, is_me,
                            computed)
            self.probe_write(role, model, est, rec_id, writable, rights, is_me)
            allowed, reason = rights["unlink"], "no unlink access right"
            if allowed and model == "ir.attachment":
                # Its access follows the record it is attached to, checked
                # by its own unlink(), not by check_access_rule: a copy is
                # really deleted.
                allowed, reason = self.rpc(role, model, "unlink", [[
                    throwaway_attachment(rec_id)]])
            elif allowed:
                allowed, reason = self.rpc(role, model, "check_access_rule",
                                           [[rec_id], "unlink"])
            self.cell(role, model, est, "unlink", allowed, reason)

    def split(self, try_fields, names):
        """The names ``try_fields`` accepts, trying halves of refused sets.
        ``try_fields(names)`` returns (accepted names or None, reason)."""
        accepted, refused = set(), {}
        todo = [list(names)]
        while todo:
            chunk = todo.pop()
            got, reason = try_fields(chunk)
            if got is not None:
                accepted |= got
                refused.update({n: "not returned" for n in chunk if n not in got})
            elif len(chunk) == 1:
                refused[chunk[0]] = reason
            else:
                todo += [chunk[:len(chunk) // 2], chunk[len(chunk) // 2:]]
        return accepted, refused

    def probe_read(self, role, model, est, rec_id, names, rights, is_me,
                   computed):
        def try_read(chunk):
            ok, result = self.rpc(role, model, "read", [[rec_id], chunk])
            if not ok:
                return None, result
            if result is UNMARSHALLABLE:
                # Read, but XML-RPC cannot carry one of the values (JSON-RPC
                # can): a single field is allowed, a set is split.
                return (set(chunk), None) if len(chunk) == 1 else (
                    None, "XML-RPC cannot carry a value")
            if not result:
                return None, "the record did not come back"
            return {n for n in chunk if result[0].get(n, MASK) != MASK}, None
        got, why = try_read(names)
        if got is not None:
            accepted, refused = got, {n: "masked" for n in names if n not in got}
        elif is_me:
            accepted, refused = self.split(try_read, names)
        else:
            reason = self.record_refusal(role, model, rec_id, rights, names,
                                         computed, "read")
            if reason:
                # Every stored (or inherited) field is read through the
                # access rights and the record rules: refused with the
                # record. Its computed fields are tried together.
                refused = {n: reason for n in names}
                own = [n for n in names if n in computed]
                got, why = try_read(own) if own else (None, None)
                accepted = got or set()
            else:
                accepted, refused = self.split(try_read, names)
        for name in names:
            self.cell(role, model, est, "read:" + name, name in accepted,
                      refused.get(name))

    def record_refusal(self, role, model, rec_id, rights, names, computed, op):
        """Why the record itself is refused to ``role`` for ``op``, or None:
        the access right, the record rules, or (read) a plain stored field."""
        if not rights[op]:
            return "no %s access right" % op
        ok, why = self.rpc(role, model, "check_access_rule", [[rec_id], op])
        if not ok:
            return "record rule: " + why
        if op == "read":
            plain = [n for n in names if n not in computed
                     and not self.world.field_groups[model].get(n)][:1]
            if plain:
                ok, result = self.rpc(role, model, "read", [[rec_id], plain])
                if not ok or not result:
                    return "record: %s" % (result if not ok else "not returned")
        return None

    def probe_write(self, role, model, est, rec_id, names, rights, is_me):
        reason = None if is_me else self.record_refusal(
            role, model, rec_id, rights, names, (), "write")
        if reason:
            for name in names:
                self.cell(role, model, est, "write:" + name, False, reason)
            return
        values = current_values(model, rec_id, names)

        def try_write(chunk):
            ok, why = self.rpc(role, model, "write",
                               [[rec_id], {n: values[n] for n in chunk}])
            return (set(chunk), None) if ok else (None, why)
        accepted, refused = self.split(try_write, names)
        for name in names:
            self.cell(role, model, est, "write:" + name, name in accepted,
                      refused.get(name))

    def probe_calls(self, role, model, targets, methods):
        for name in call_order(methods):
            if methods[name]:
                for est in ("other", "own"):
                    if not targets[est]:
                        self.cell(role, model, est, "call:" + name, False,
                                  "none: the role cannot open one")
                        continue
                    ok, reason = self.rpc(role, model, name, [[targets[est]]])
                    self.cell(role, model, est, "call:" + name, ok, reason)
            else:
                ok, reason = self.rpc(role, model, name, [])
                self.cell(role, model, "own", "call:" + name, ok, reason)

    def probe_anonymous(self):
        """No uid without the right password (one check is enough)."""
        uid = self.common.authenticate(self.db, self.world.logins["portal_pupil"],
                                       PASSWORD + " faux", {})
        self.cell("anonymous", "res.users", "own", "authenticate", bool(uid),
                  "no uid")


def throwaway_attachment(rec_id):
    """A copy of an attachment, to delete (removed afterwards if it stays)."""
    with committed_env() as env:
        return env["ir.attachment"].browse(rec_id).copy().id


def current_values(model, rec_id, names):
    """What the record holds now, as a client writes it back."""
    with committed_env() as env:
        record = env[model].browse(rec_id)
        row = record.read(names)[0]
        values = {}
        for name in names:
            field, value = record._fields[name], row[name]
            if field.type == "many2one":
                value = value[0] if value else False
            elif field.type in ("one2many", "many2many"):
                value = [(6, 0, value)]
            values[name] = value
        return values


def load_surface(path=SURFACE):
    if not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as handle:
        return {tuple(row[h] for h in HEADER) for row in csv.DictReader(handle)}


def write_surface(cells, path=SURFACE):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(sorted(cells))


class TestAttackSurface(unittest.TestCase):
    SPEC = SurfaceSpec

    @classmethod
    def setUpClass(cls):
        started = time.time()
        cls.port = ensure_http_server()
        cls.db = get_db_name()
        cls.world = World()
        cls.world.spec = cls.SPEC()
        with committed_env() as env:
            cls.marks = {}
            for table in cls.world.spec.marked_tables:
                env.cr.execute("SELECT coalesce(max(id), 0) FROM %s" % table)
                cls.marks[table] = env.cr.fetchone()[0]
            env.cr.execute("SELECT id, key, login, address, failures, "
                           "last_failure, locked_until "
                           "FROM educonnect_auth_throttle WHERE key LIKE 'addr:%%'")
            cls.throttle_rows = env.cr.fetchall()
        try:
            build_world(cls.world)
            cls.built = time.time() - started
            cls.probe()
        except BaseException:
            cls.tearDownClass()
            raise
        cls.duration = time.time() - started
        print("attack surface: data %.1f s, probes %.1f s, %d calls, %d cells "
              "probed, %d allowed" % (
                  cls.built, cls.duration - cls.built, cls.prober.calls,
                  len(cls.prober.probed), len(cls.prober.observed)))
        if os.environ.get(REGENERATE):
            cls.world.spec.write(cls.prober.observed)
        if os.environ.get(LOG):
            cls.prober.write_log(os.environ[LOG])

    @classmethod
    def probe(cls):
        prober = cls.prober = Prober(cls.world, cls.port, cls.db)
        with committed_env() as env:
            cls.models = surface_models(env, cls.world.spec.addons)
            shapes = {m: (read_fields(env, m), write_fields(env, m),
                          computed_fields(env, m)) for m in cls.models}
            cls.world.field_groups = {
                m: {n: f.groups for n, f in env[m]._fields.items()}
                for m in cls.models}
            cls.methods = {m: own_methods(env, m, cls.world.spec.addons)
                           for m in cls.models}
        cls.missing_fixtures = []
        for role in ROLES:
            records = cls.world.records["probe"][role]
            opened = prober.open_transients(role, records)
            for model in cls.models:
                if model not in records:
                    cls.missing_fixtures.append(model)
                    continue
                prober.probe_model(role, model, records[model], shapes[model],
                                   opened.get(model))
        for role in ROLES:
            records = cls.world.records["call"][role]
            prober.open_transients(role, records)
            for model in cls.models:
                if cls.methods[model] and model in records:
                    prober.probe_calls(role, model, records[model],
                                       cls.methods[model])
        prober.probe_anonymous()

    @classmethod
    def tearDownClass(cls):
        remove_world(cls.world, cls.marks, cls.throttle_rows)

    # -- the rules ------------------------------------------------------------

    def diff(self, cells, why):
        lines = []
        for cell in sorted(cells):
            reason = self.prober.reasons.get(cell)
            lines.append("  %s  %s" % (",".join(cell),
                                       "(%s)" % reason if reason else ""))
        return "%d cell(s) %s:\n%s\n(regenerate with %s=1 once reviewed; " \
               "see the module docstring)" % (len(cells), why,
                                              "\n".join(lines), REGENERATE)

    def test_every_model_of_the_addons_has_records_to_probe(self):
        self.assertIn("educonnect.student", self.models)
        for model in CORE_MODELS:
            self.assertIn(model, self.models)
        self.assertEqual(sorted(set(self.missing_fixtures)), [],
                         "models without a fixture: add them to _establishment "
                         "or _owned")

    def test_every_field_and_method_was_probed_for_every_role(self):
        with committed_env() as env:
            for role in ROLES:
                for model in self.models:
                    for name in read_fields(env, model):
                        self.assertIn((role, model, "other", "read:" + name),
                                      self.prober.probed)
                    for name in write_fields(env, model):
                        self.assertIn((role, model, "own", "write:" + name),
                                      self.prober.probed)
                    for name in self.methods[model]:
                        self.assertIn((role, model, "own", "call:" + name),
                                      self.prober.probed)

    def test_no_role_reaches_more_than_the_committed_surface(self):
        extra = self.prober.observed - self.world.spec.load()
        self.assertFalse(extra, self.diff(
            extra, "allowed but not in tests/data/attack_surface.csv"))

    def test_everything_the_committed_surface_allows_is_still_allowed(self):
        gone = self.world.spec.load() - self.prober.observed
        self.assertFalse(gone, self.diff(
            gone, "listed in tests/data/attack_surface.csv but refused now"))

    def test_anonymous_callers_get_no_uid(self):
        self.assertNotIn(("anonymous", "res.users", "own", "authenticate"),
                         self.prober.observed)
        self.assertIn(("anonymous", "res.users", "own", "authenticate"),
                      self.prober.probed)
