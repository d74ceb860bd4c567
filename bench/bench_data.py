"""The establishments of the benches: classes, pupils, guardians and their
links inserted in bulk by SQL, with the names of the project's one people
generator (``educonnect_accounts_demo/tools/people.py``, pure Python).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "educonnect_accounts_demo", "tools"))
import people  # noqa: E402

# Cycled through by the inserts: 25 surnames of the generator (in capitals,
# as SIECLE writes them), its 20 most common and the first 5 with a space,
# an apostrophe or a hyphen, and 16 first names of both genders in turn; so a
# surname such as « DUBOIS » is borne by 4 % of the accounts and « Léa » by
# 6 %, the common names the search benches measure.
LAST = [name.upper() for name in people.LAST_NAMES[:20] + [
    name for name in people.LAST_NAMES if set(name) & set(" '-")][:5]]
FIRST = [name for pair in zip(people.FIRST_NAMES["F"], people.FIRST_NAMES["M"])
         for name in pair][:16]


def generate(env, pupils, guardians, uai="0599999Y", name="Collège de mesure",
             logins=True):
    """Bulk-insert one establishment: classes, pupils, guardians, links."""
    company = env["res.company"].create({
        "name": name, "educonnect_uai": uai,
        "educonnect_type": "clg", "educonnect_academy": "lille"})
    env.user.write({"company_ids": [(4, company.id)], "company_id": company.id})
    mef = env["educonnect.mef"].search([("code", "=", "10010012110")]) or \
        env["educonnect.mef"].create({"code": "10010012110", "name": "6EME"})
    class_ids = [env["educonnect.class"].create({
        "name": "%d %d" % (level, n), "mef_id": mef.id,
        "company_id": company.id}).id for level in (6, 5, 4, 3) for n in range(1, 9)]
    _insert_accounts(env.cr, company, class_ids, mef, pupils, guardians)
    env.cache.invalidate()
    students = env["educonnect.student"].search([("company_id", "=", company.id)])
    guardian_recs = env["educonnect.guardian"].search([("company_id", "=", company.id)])
    start = time.time()
    if logins:
        students._assign_logins()
        guardian_recs._assign_logins()
    logins = time.time() - start
    links = env["educonnect.guardian.link"].search([("company_id", "=", company.id)])
    return company, students, guardian_recs, links, logins


def _insert_accounts(cr, company, class_ids, mef, pupils, guardians):
    """The pupils, guardians and their links, by SQL (names cycling through
    the people generator's lists)."""
    cr.execute("""
        INSERT INTO educonnect_student (last_name, first_name, name, company_id,
            class_id, mef_id, state, origin, active, create_uid, write_uid,
            create_date, write_date)
        SELECT l, f, l || ' ' || f, %s, (%s::int[])[1 + i %% %s], %s,
               'not_notified', 'unknown', true, 1, 1, now(), now()
          FROM generate_series(0, %s - 1) i,
               LATERAL (SELECT (%s::varchar[])[1 + i %% %s] AS l,
                               (%s::varchar[])[1 + (i / 7) %% %s] AS f) n
    """, [company.id, class_ids, len(class_ids), mef.id, pupils,
          LAST, len(LAST), FIRST, len(FIRST)])
    cr.execute("""
        INSERT INTO educonnect_guardian (last_name, first_name, name, company_id,
            email, state, origin, active, create_uid, write_uid, create_date,
            write_date)
        SELECT l, f, l || ' ' || f, %s,
               CASE WHEN i %% 5 = 0 THEN NULL ELSE 'parent' || i || '@example.fr' END,
               'not_notified', 'unknown', true, 1, 1, now(), now()
          FROM generate_series(0, %s - 1) i,
               LATERAL (SELECT (%s::varchar[])[1 + (i / 2) %% %s] AS l,
                               (%s::varchar[])[1 + i %% %s] AS f) n
    """, [company.id, guardians, LAST, len(LAST), FIRST, len(FIRST)])
    # Two guardians per pupil; every fifth pupil also has a sibling's guardian.
    cr.execute("""
        WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                     FROM educonnect_student WHERE company_id = %s),
             g AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                     FROM educonnect_guardian WHERE company_id = %s),
             pairs AS (
                SELECT s.id AS sid, g.id AS gid, '1' AS lvl FROM s JOIN g ON g.n = (2 * s.n) %% %s
                UNION
                SELECT s.id, g.id, '2' FROM s JOIN g ON g.n = (2 * s.n + 1) %% %s
                UNION
                SELECT s.id, g.id, '2' FROM s JOIN g ON g.n = (2 * s.n + 2) %% %s
                 WHERE s.n %% 2 = 0)
        INSERT INTO educonnect_guardian_link (student_id, guardian_id, legal_level,
            company_id, active, student_name, class_id, mef_id, guardian_name,
            create_uid, write_uid, create_date, write_date)
        SELECT p.sid, p.gid, p.lvl, %s, true, st.name, st.class_id, st.mef_id,
               gu.name, 1, 1, now(), now()
          FROM pairs p JOIN educonnect_student st ON st.id = p.sid
          JOIN educonnect_guardian gu ON gu.id = p.gid
    """, [company.id, company.id, guardians, guardians, guardians, company.id])


# -- the académie: hundreds of establishments in one bulk load --------------

#: The levels of each type of establishment: (class name prefix, MEF code,
#: MEF label). The MEF codes give the school order (see educonnect.class).
LEVELS = {
    "clg": [("6", "10010012110", "6EME"), ("5", "10110001110", "5EME"),
            ("4", "10210001110", "4EME"), ("3", "10310019110", "3EME")],
    "lyc": [("2nde", "20010018110", "2NDE GENERALE ET TECHNO"),
            ("1re", "20111010110", "1ERE GENERALE"),
            ("Tle", "20211010110", "TERMINALE GENERALE")],
}
PUPILS_PER_CLASS = 28

#: Account states of section 5 of the guide (its « Synthèse » tables: 433
#: pupils, 4 « Non notifiés », 72 « Notifiés et non activés », 357
#: « Activés », all « Établissement »; guardians: 1.3 % not notified, 75 %
#: notified, 0.3 % « En cours d'activation », 23.4 % activated, a few
#: through FranceConnect or self-registration), as thresholds per 1,000:
#: (upper bound, state, origin).
PUPIL_STATES = [(10, "not_notified", "unknown"), (176, "notified", "school"),
                (1000, "activated", "school")]
GUARDIAN_STATES = [(13, "not_notified", "unknown"), (763, "notified", "school"),
                   (766, "activating", "school"), (991, "activated", "school"),
                   (996, "activated", "franceconnect"),
                   (1000, "activated", "self_registration")]

#: The password every generated portal user signs in with (one PBKDF2 hash
#: computed once: 650,000 hashes at 25,000 rounds would take hours).
ACADEMIE_PASSWORD = "Bench-academie-2026"
#: Distinct provisional passwords encrypted (Fernet) and dealt in turn to
#: the notified accounts: each account's ciphertext decrypts to a password.
CRYPT_POOL = 5000

#: The big tables whose secondary indexes are dropped during the load and
#: re-created identically after it (PostgreSQL builds an index faster than
#: it maintains it row by row).
BULK_TABLES = ("educonnect_student", "educonnect_guardian",
               "educonnect_guardian_link", "res_partner", "res_users",
               "ir_attachment", "educonnect_account_trace",
               "educonnect_trace_student_rel", "educonnect_trace_guardian_rel",
               "res_groups_users_rel", "res_company_users_rel",
               "educonnect_login_registry")


def _hash(expr, salt):
    """A deterministic pseudo-random number in [0, 1) of an integer SQL
    expression (Knuth's multiplicative hash)."""
    return ("((((%s)::bigint * 2654435761 + %d) %%%% 4294967296)::float8 "
            "/ 4294967296)" % (expr, salt * 40503))


def _clone(cr, table, template_id, overrides):
    """Copies of the row ``template_id`` of ``table``, one per element of
    the lists of ``overrides`` ({column: (SQL type, [values])}); a new id
    from the sequence unless ``id`` is given."""
    cr.execute("SELECT column_name FROM information_schema.columns "
               "WHERE table_schema = 'public' AND table_name = %s "
               "ORDER BY ordinal_position", [table])
    columns = [c for (c,) in cr.fetchall() if c != "id" or "id" in overrides]
    names = list(overrides)
    cr.execute('INSERT INTO "{t}" ({cols}) SELECT {vals} FROM "{t}" t, '
               'unnest({arrays}) AS v({names}) WHERE t.id = %s'.format(
                   t=table, cols=", ".join('"%s"' % c for c in columns),
                   vals=", ".join(('v."%s"' if c in overrides else 't."%s"') % c
                                  for c in columns),
                   arrays=", ".join("%%s::%s[]" % overrides[c][0] for c in names),
                   names=", ".join('"%s"' % c for c in names)),
               [overrides[c][1] for c in names] + [template_id])


def _clone_attachments(cr, model, template_id, res_ids):
    """The attachments (avatar, logo images) of ``template_id`` for each of
    ``res_ids``, pointing at the same files."""
    cr.execute("SELECT id FROM ir_attachment WHERE res_model = %s "
               "AND res_id = %s", [model, template_id])
    for (attachment,) in cr.fetchall():
        _clone(cr, "ir_attachment", attachment, {"res_id": ("int", res_ids)})


def _sizes(total, weights):
    """Integers proportional to ``weights`` summing exactly to ``total``."""
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for n in range(total - sum(sizes)):
        sizes[n % len(sizes)] += 1
    return sizes


def generate_academie(env, establishments=600, pupils=500000,
                      guardians=1000000, log=print):
    """Bulk-load an académie: ``establishments`` collèges (2/3, about 600
    pupils) and lycées (1/3, about 1,400), ``pupils`` and ``guardians`` in
    all, with what the product holds for each account in each state:
    identifiants (and the login registry), SIECLE ids, classes and MEFs,
    the guardians' links (two legal guardians per pupil, siblings sharing
    one), notification dates and encrypted provisional passwords of the
    notified accounts, the portal user (partner, avatar attachments, portal
    group, password) of every activated account, the traces of the
    notifications and activations, and a director (staff user with its
    delegation) per establishment.

    Returns {"companies": [...ids], "directors": {company id: user id},
    "timings": [(step, seconds)]}. Commits.
    """
    from odoo.addons.educonnect_accounts.models.educonnect_class import \
        school_rank
    from odoo.addons.educonnect_accounts.tools.crypto import encrypt_secret
    from odoo.addons.educonnect_accounts.tools.logins import login_base
    from odoo.addons.educonnect_accounts.tools.passwords import \
        generate_provisional_password
    from odoo.addons.educonnect_accounts.tools.uai import uai_check_letter
    from odoo import SUPERUSER_ID
    from passlib.context import CryptContext
    cr = env.cr
    timings = []
    clock = [time.time()]

    def lap(step):
        now = time.time()
        timings.append((step, now - clock[0]))
        log("  %-58s %6.1f s" % (step, now - clock[0]))
        clock[0] = now

    # Establishments, MEFs and directors through the ORM, as an
    # administrator would create them (a few hundred records).
    mefs = {}
    for kind in ("clg", "lyc"):
        for _prefix, code, label in LEVELS[kind]:
            mefs[code] = (env["educonnect.mef"].search([("code", "=", code)])
                          or env["educonnect.mef"].create(
                              {"code": code, "name": label})).id
    kinds = ["lyc" if n % 3 == 2 else "clg" for n in range(establishments)]
    # Sizes vary: collèges 300–900 pupils, lycées 700–2,100 (relative).
    weights = [(1.0 if k == "clg" else 2.3) * (0.5 + ((n * 37) % 100) / 100)
               for n, k in enumerate(kinds)]
    pupil_sizes = _sizes(pupils, weights)
    guardian_sizes = _sizes(guardians, pupil_sizes)
    # The first establishment and its director through the ORM, as an
    # administrator creates them; the others are copies of their rows
    # (company, partner, logo images; user, partner, groups, establishment,
    # delegation, channel membership), as the ORM would write them.
    names = ["%s %03d" % ("Collège" if k == "clg" else "Lycée", n)
             for n, k in enumerate(kinds)]
    uais = []
    for n in range(establishments):
        uai7 = "0597%03d" % n if n < 1000 else "%07d" % (5900000 + n)
        uais.append(uai7 + uai_check_letter(uai7))
    first = env["res.company"].with_context(tracking_disable=True).create({
        "name": names[0], "educonnect_uai": uais[0],
        "educonnect_type": "clg", "educonnect_academy": "lille"})
    director_group = env.ref("educonnect_accounts.group_educonnect_director")
    director = env["res.users"].with_context(
        no_reset_password=True, tracking_disable=True).create({
            "name": "Direction %03d" % 0, "login": "direction.%03d" % 0,
            "password": ACADEMIE_PASSWORD, "lang": "fr_FR",
            "company_id": first.id, "company_ids": [(6, 0, first.ids)],
            "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                  director_group.id])]})
    lap("first establishment and its director (ORM)")
    rest = range(1, establishments)
    cr.execute("SELECT max(id) FROM res_partner")
    pb = cr.fetchone()[0]
    cr.execute("SELECT max(id) FROM res_company")
    cb = cr.fetchone()[0]
    cr.execute("SELECT max(id) FROM res_users")
    ub = cr.fetchone()[0]
    company_partners = [pb + n for n in rest]
    companies = [first.id] + [cb + n for n in rest]
    _clone(cr, "res_partner", first.partner_id.id, {
        "id": ("int", company_partners),
        "name": ("varchar", names[1:]), "display_name": ("varchar", names[1:]),
        "commercial_partner_id": ("int", company_partners)})
    _clone(cr, "res_company", first.id, {
        "id": ("int", companies[1:]), "partner_id": ("int", company_partners),
        "name": ("varchar", names[1:]), "educonnect_uai": ("varchar", uais[1:]),
        "educonnect_type": ("varchar", ["clg" if kinds[n] == "clg" else "lgt"
                                        for n in rest])})
    if first.partner_id.company_id == first:
        cr.execute("UPDATE res_partner SET company_id = id - %s + %s "
                   "WHERE id > %s AND id <= %s",
                   [pb, cb, pb, pb + establishments - 1])
    _clone_attachments(cr, "res.partner", first.partner_id.id, company_partners)
    director_partners = [pb + establishments - 1 + n for n in rest]
    director_ids = [ub + n for n in rest]
    dnames = ["Direction %03d" % n for n in rest]
    _clone(cr, "res_partner", director.partner_id.id, {
        "id": ("int", director_partners), "name": ("varchar", dnames),
        "display_name": ("varchar", dnames),
        "commercial_partner_id": ("int", director_partners),
        "company_id": ("int", companies[1:])})
    _clone(cr, "res_users", director.id, {
        "id": ("int", director_ids), "partner_id": ("int", director_partners),
        "login": ("varchar", ["direction.%03d" % n for n in rest]),
        "company_id": ("int", companies[1:])})
    _clone_attachments(cr, "res.partner", director.partner_id.id,
                       director_partners)
    cr.execute("""
        INSERT INTO res_groups_users_rel (gid, uid)
        SELECT r.gid, u FROM res_groups_users_rel r, unnest(%s::int[]) u
         WHERE r.uid = %s;
        INSERT INTO res_company_users_rel (cid, user_id)
        SELECT * FROM unnest(%s::int[], %s::int[]);
        INSERT INTO res_company_users_rel (cid, user_id)
        SELECT c, %s FROM unnest(%s::int[]) c
         WHERE NOT EXISTS (SELECT 1 FROM res_company_users_rel r
                            WHERE r.cid = c AND r.user_id = %s)""",
               [director_ids, director.id, companies[1:], director_ids,
                SUPERUSER_ID, companies, SUPERUSER_ID])
    cr.execute("SELECT id FROM educonnect_delegation WHERE user_id = %s",
               [director.id])
    _clone(cr, "educonnect_delegation", cr.fetchone()[0], {
        "user_id": ("int", director_ids), "company_id": ("int", companies[1:])})
    cr.execute("SELECT id FROM mail_channel_partner WHERE partner_id = %s",
               [director.partner_id.id])
    for (membership,) in cr.fetchall():
        _clone(cr, "mail_channel_partner", membership,
               {"partner_id": ("int", director_partners)})
    for table in ("res_partner", "res_company", "res_users"):
        cr.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                   "(SELECT max(id) FROM {}))".format(table), [table])
    directors = dict(zip(companies, [director.id] + director_ids))
    env.cache.invalidate()
    env.registry.clear_caches()
    lap("%d establishments and directors (copies)" % (establishments - 1))
    # Classes: 28 pupils each, the establishment's levels in turn.
    class_rows, class_start, class_count = [], [], []
    for n, company in enumerate(companies):
        levels = LEVELS[kinds[n]]
        count = max(len(levels), -(-pupil_sizes[n] // PUPILS_PER_CLASS))
        class_start.append(len(class_rows))
        class_count.append(count)
        for c in range(count):
            prefix, code, _label = levels[c % len(levels)]
            name = "%s %d" % (prefix, c // len(levels) + 1)
            class_rows.append((name, mefs[code], school_rank(code, name),
                               company))
    cr.execute("""
        INSERT INTO educonnect_class (name, code, mef_id, school_rank,
            company_id, active, create_uid, write_uid, create_date, write_date)
        SELECT name, name, mef, rank, cid, true, 1, 1, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::int[])
               WITH ORDINALITY AS c(name, mef, rank, cid, n)
         ORDER BY n RETURNING id""", [[r[i] for r in class_rows]
                                      for i in range(4)])
    class_ids = sorted(r[0] for r in cr.fetchall())
    cr.execute("SELECT id, mef_id FROM educonnect_class WHERE id = ANY(%s)",
               [class_ids])
    class_mef = dict(cr.fetchall())
    lap("%d classes (SQL)" % len(class_ids))

    # Odoo's avatar images of a new partner, shared by the portal users'
    # partners (the same three files in the filestore).
    template = env["res.partner"].create({"name": "Modèle", "lang": "fr_FR"})
    cr.execute("SELECT array_agg(id) FROM ir_attachment WHERE res_model = "
               "'res.partner' AND res_id = %s", [template.id])
    avatar_ids = cr.fetchone()[0] or []

    # The load: constraints checked by construction, not row by row.
    cr.execute("SET LOCAL session_replication_role = replica")
    cr.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cr.execute("SET LOCAL work_mem = '256MB'")
    cr.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relname = ANY(%s) AND NOT i.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conindid = i.indexrelid)""",
               [list(BULK_TABLES)])
    index_defs = cr.fetchall()
    for name, _definition in index_defs:
        cr.execute("DROP INDEX %s" % name)

    # Every account planned once in a temporary table: names, identifiants,
    # states, dates, and the ids of the rows to insert (explicit, so that
    # links and users are computed, not looked up).
    pass_hash = CryptContext(["pbkdf2_sha512"]).hash(ACADEMIE_PASSWORD)
    first_f = people.FIRST_NAMES["F"]
    first_m = people.FIRST_NAMES["M"]
    adult_f = people.ADULT_FIRST_NAMES["F"]
    adult_m = people.ADULT_FIRST_NAMES["M"]
    last = [name.upper() for name in people.LAST_NAMES]
    cr.execute("""
        CREATE TEMP TABLE acad_est ON COMMIT DROP AS
        SELECT n::int - 1 AS n, cid, psize, poff, gsize, goff, cstart, ccount
          FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[],
                      %s::int[], %s::int[])
               WITH ORDINALITY AS e(cid, psize, poff, gsize, goff, cstart,
                                    ccount, n)""",
               [companies, pupil_sizes,
                [sum(pupil_sizes[:n]) for n in range(establishments)],
                guardian_sizes,
                [sum(guardian_sizes[:n]) for n in range(establishments)],
                class_start, class_count])
    # Surnames: a family (two pupils in turn, their guardians) draws one,
    # the first ones of the list far more often (MARTIN 6.6 %, the last
    # ones about 0.2 %: a rare name is borne by a few pupils per school).
    surname = "(%%(last)s::varchar[])[1 + floor(%d * %s ^ 2)::int]" % (
        len(last), _hash("fam", 1))
    cr.execute("""
        CREATE TEMP TABLE acad_pupil ON COMMIT DROP AS
        SELECT e.poff + k AS g, e.n AS est, e.cid AS company_id, k,
               (%%(classes)s::int[])[1 + e.cstart + k %%%% e.ccount] AS class_id,
               (%%(mefs)s::int[])[1 + e.cstart + k %%%% e.ccount] AS mef_id,
               %(surname)s AS last_name,
               CASE WHEN %(gender)s < 0.5
                    THEN (%%(ff)s::varchar[])[1 + floor(%%(nff)s * %(first)s ^ 1.5)::int]
                    ELSE (%%(fm)s::varchar[])[1 + floor(%%(nfm)s * %(first)s ^ 1.5)::int]
               END AS first_name,
               floor(1000 * %(state)s)::int AS bucket
          FROM acad_est e, generate_series(0, e.psize - 1) k,
               LATERAL (SELECT e.poff + k - k %%%% 2 AS fam) f
    """ % {"surname": surname, "gender": _hash("e.poff + k", 2),
           "first": _hash("e.poff + k", 3), "state": _hash("e.poff + k", 4)},
               {"classes": class_ids, "mefs": [class_mef[c] for c in class_ids],
                "last": last, "ff": first_f,
                "fm": first_m, "nff": len(first_f), "nfm": len(first_m)})
    cr.execute("""
        CREATE TEMP TABLE acad_guardian ON COMMIT DROP AS
        SELECT e.goff + j AS g, e.n AS est, e.cid AS company_id, j,
               %(surname)s AS last_name,
               CASE WHEN j %%%% 2 = 0
                    THEN (%%(af)s::varchar[])[1 + floor(%%(naf)s * %(first)s)::int]
                    ELSE (%%(am)s::varchar[])[1 + floor(%%(nam)s * %(first)s)::int]
               END AS first_name,
               CASE WHEN j %%%% 2 = 0 THEN 'MME' ELSE 'M.' END AS civility,
               floor(1000 * %(state)s)::int AS bucket,
               %(contact)s AS contact
          FROM acad_est e, generate_series(0, e.gsize - 1) j,
               LATERAL (SELECT e.poff + least(j / 2, e.psize - 1)
                               - least(j / 2, e.psize - 1) %%%% 2 AS fam) f
    """ % {"surname": surname, "first": _hash("e.goff + j", 5),
           "state": _hash("e.goff + j", 6), "contact": _hash("e.goff + j", 7)},
               {"last": last, "af": adult_f, "am": adult_m,
                "naf": len(adult_f), "nam": len(adult_m)})
    lap("%d pupils and %d guardians planned" % (pupils, guardians))

    # Identifiants as the product gives them: the base of the name
    # (tools/logins.py, for each name pair in use), then base, base2, …
    cr.execute("SELECT DISTINCT first_name, last_name FROM acad_pupil UNION "
               "SELECT DISTINCT first_name, last_name FROM acad_guardian")
    pairs = cr.fetchall()
    cr.execute("""
        CREATE TEMP TABLE acad_base ON COMMIT DROP AS
        SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[])
               AS b(first_name, last_name, base)""",
               [[p[0] for p in pairs], [p[1] for p in pairs],
                [login_base(p[0], p[1]) for p in pairs]])
    cr.execute("SELECT COALESCE(max(id), 0) FROM educonnect_student")
    student_base = cr.fetchone()[0]
    cr.execute("SELECT COALESCE(max(id), 0) FROM educonnect_guardian")
    guardian_base = cr.fetchone()[0]
    cr.execute("SELECT COALESCE(max(id), 0) FROM res_users")
    user_base = cr.fetchone()[0]
    cr.execute("SELECT COALESCE(max(id), 0) FROM res_partner")
    partner_base = cr.fetchone()[0]
    cr.execute("""
        CREATE TEMP TABLE acad_account ON COMMIT DROP AS
        WITH a AS (
            SELECT 'student'::varchar AS pop, g, %(sb)s + 1 + g AS id, est,
                   company_id, k AS local, class_id, mef_id, last_name,
                   first_name,
                   NULL::varchar AS civility, bucket, 0.0::float8 AS contact
              FROM acad_pupil
            UNION ALL
            SELECT 'guardian', g, %(gb)s + 1 + g, est, company_id, j, NULL,
                   NULL, last_name, first_name, civility, bucket, contact
              FROM acad_guardian),
        s AS (
            SELECT a.*, b.base,
                   CASE WHEN pop = 'student' THEN (CASE %(ps)s END)
                        ELSE (CASE %(gs)s END) END AS so
              FROM a JOIN acad_base b USING (first_name, last_name)),
        t AS (
            SELECT s.*, split_part(so, ':', 1) AS state,
                   split_part(so, ':', 2) AS origin,
                   row_number() OVER (PARTITION BY base ORDER BY pop DESC, g) AS rn
              FROM s)
        SELECT t.*, base || CASE WHEN rn = 1 THEN '' ELSE rn::text END AS login,
               CASE WHEN state = 'activated' THEN row_number() OVER (
                    PARTITION BY state = 'activated' ORDER BY pop DESC, g)
               END AS u
          FROM t
    """ % {"sb": student_base, "gb": guardian_base,
           "ps": " ".join("WHEN bucket < %d THEN '%s:%s'" % t
                          for t in PUPIL_STATES),
           "gs": " ".join("WHEN bucket < %d THEN '%s:%s'" % t
                          for t in GUARDIAN_STATES)})
    cr.execute("CREATE INDEX ON acad_account (pop, g)")
    cr.execute("ANALYZE acad_account")
    lap("identifiants and states")

    crypts = [encrypt_secret(generate_provisional_password())
              for _n in range(CRYPT_POOL)]
    lap("%d provisional passwords encrypted" % CRYPT_POOL)
    # The rows, dates spread over the rentrée: letters handed out from 1
    # September, valid three months; activations in the weeks after.
    common = """
        id, company_id, siecle_id, active, last_name, first_name, name, login,
        state, origin, notification_date, last_login_date, email,
        email_confirmed, provisional_password_crypt, letter_expiry_date,
        user_id, create_uid, write_uid, create_date, write_date"""
    values = """
        id, company_id, %(siecle)s, true, last_name, first_name,
        last_name || ' ' || first_name, login, state, origin,
        CASE WHEN state <> 'not_notified'
             THEN date '2026-09-01' + (g %%%% 20)::int END,
        CASE WHEN state = 'activated'
             THEN timestamp '2026-09-02 07:00' + (g %%%% 80) * interval '1 day'
                  + (g %%%% 840) * interval '1 minute' END,
        %(email)s, %(confirmed)s,
        CASE WHEN state IN ('notified', 'activating')
             THEN (%%(crypts)s::varchar[])[1 + g %%%% %(pool)d] END,
        CASE WHEN state IN ('notified', 'activating')
             THEN date '2026-12-01' + (g %%%% 20)::int END,
        CASE WHEN state = 'activated' THEN %(ub)d + u END,
        1, 1, timestamp '2026-08-28 21:00', timestamp '2026-08-28 21:00'"""
    cr.execute("""
        INSERT INTO educonnect_student (%s, class_id, mef_id, gender,
                                        birth_date)
        SELECT %s, class_id, mef_id,
               CASE WHEN g %%%% 2 = 0 THEN 'F' ELSE 'M' END,
               date '2010-01-01' + (g %%%% 2190)::int
          FROM acad_account WHERE pop = 'student'
    """ % (common, values % {
        "siecle": "(1000000 + g)::varchar", "email": "NULL",
        "confirmed": "false", "pool": CRYPT_POOL, "ub": user_base}),
               {"crypts": crypts})
    lap("%d pupils inserted" % pupils)
    cr.execute("""
        INSERT INTO educonnect_guardian (%s, civility, mobile, accept_sms)
        SELECT %s, civility,
               CASE WHEN contact < 0.7
                    THEN '06' || lpad((g %%%% 100000000)::text, 8, '0') END,
               contact < 0.5
          FROM acad_account WHERE pop = 'guardian'
    """ % (common, values % {
        "siecle": "(5000000 + g)::varchar",
        "email": "CASE WHEN contact < 0.8 THEN login || '@parents.example.fr' END",
        "confirmed": "state = 'activated' AND contact < 0.4",
        "pool": CRYPT_POOL, "ub": user_base}), {"crypts": crypts})
    lap("%d guardians inserted" % guardians)

    # Two legal guardians per pupil (mother, father); every second pupil is
    # the sibling of the next one and has its mother as a third, legal
    # guardian (a family recomposed: one guardian, two children).
    cr.execute("""
        INSERT INTO educonnect_guardian_link (student_id, guardian_id,
            legal_level, relationship, company_id, active, student_name,
            class_id, mef_id, guardian_name, create_uid, write_uid,
            create_date, write_date)
        SELECT s.id, %(gb)s + 1 + e.goff + l.j, l.lvl, l.rel, s.company_id,
               true, s.name, s.class_id, s.mef_id, gu.name, 1, 1,
               timestamp '2026-08-28 21:00', timestamp '2026-08-28 21:00'
          FROM educonnect_student s
          JOIN acad_est e ON e.cid = s.company_id
          CROSS JOIN LATERAL (VALUES
                ((2 * (s.id - %(sb)s - 1 - e.poff)) %% e.gsize, '1', 'mother', false),
                ((2 * (s.id - %(sb)s - 1 - e.poff) + 1) %% e.gsize, '2', 'father', false),
                ((2 * (s.id - %(sb)s - 1 - e.poff) + 2) %% e.gsize, '2', 'guardian', true))
               AS l(j, lvl, rel, sibling)
          JOIN educonnect_guardian gu ON gu.id = %(gb)s + 1 + e.goff + l.j
         WHERE s.id > %(sb)s
           AND (NOT l.sibling OR (s.id - %(sb)s - 1 - e.poff) %% 2 = 0)
           AND (l.lvl = '1' OR (2 * (s.id - %(sb)s - 1 - e.poff) + 2) %% e.gsize
                               <> (2 * (s.id - %(sb)s - 1 - e.poff)) %% e.gsize)
    """ % {"gb": guardian_base, "sb": student_base})
    links = cr.rowcount
    lap("%d pupil–guardian links inserted" % links)

    # The portal user of each activated account, as _educonnect_portal_user
    # creates it: partner (with Odoo's avatar images), user, portal group,
    # establishment.
    cr.execute("""
        INSERT INTO res_partner (id, name, display_name, company_id, lang, tz,
            active, customer, supplier, employee, type, is_company, color,
            partner_share, commercial_partner_id, email, message_bounce,
            opt_out, educonnect_portal_only, create_uid, write_uid,
            create_date, write_date)
        SELECT %(pb)s + u, name, name, company_id, 'fr_FR', 'Europe/Paris',
               true, true, false, false, 'contact', false, 0, true,
               %(pb)s + u, email, 0, false, true, 1, 1, last_login_date,
               last_login_date
          FROM (SELECT a.u, s.name, s.company_id, s.email, s.last_login_date
                  FROM acad_account a JOIN educonnect_student s ON s.id = a.id
                 WHERE a.pop = 'student' AND a.u IS NOT NULL
                UNION ALL
                SELECT a.u, s.name, s.company_id, s.email, s.last_login_date
                  FROM acad_account a JOIN educonnect_guardian s ON s.id = a.id
                 WHERE a.pop = 'guardian' AND a.u IS NOT NULL) p
    """ % {"pb": partner_base})
    users = cr.rowcount
    cr.execute("""
        INSERT INTO res_users (id, active, login, password, company_id,
            partner_id, share, password_crypt, notification_type, create_uid,
            write_uid, create_date, write_date)
        SELECT %(ub)s + a.u, true, a.login, '', a.company_id, %(pb)s + a.u,
               true, %%s, 'email', 1, 1, timestamp '2026-09-02 07:00',
               timestamp '2026-09-02 07:00'
          FROM acad_account a WHERE a.u IS NOT NULL
    """ % {"ub": user_base, "pb": partner_base}, [pass_hash])
    cr.execute("""
        INSERT INTO res_groups_users_rel (gid, uid)
        SELECT %s, %s + u FROM acad_account WHERE u IS NOT NULL;
        INSERT INTO res_company_users_rel (cid, user_id)
        SELECT company_id, %s + u FROM acad_account WHERE u IS NOT NULL
    """, [env.ref("base.group_portal").id, user_base, user_base])
    if avatar_ids:
        cr.execute("""
            INSERT INTO ir_attachment (name, datas_fname, res_model, res_field,
                res_id, company_id, type, public, store_fname, file_size,
                checksum, mimetype, index_content, create_uid, write_uid,
                create_date, write_date)
            SELECT t.name, t.datas_fname, t.res_model, t.res_field,
                   %s + a.u, a.company_id, t.type, t.public, t.store_fname,
                   t.file_size, t.checksum, t.mimetype, t.index_content, 1, 1,
                   t.create_date, t.write_date
              FROM acad_account a, ir_attachment t
             WHERE a.u IS NOT NULL AND t.id = ANY(%s)""",
                   [partner_base, avatar_ids])
    lap("%d portal users (partner, %d avatar images each, groups)"
        % (users, len(avatar_ids)))

    # Traces: each establishment's notification of each population, and
    # each activation (by the holder's new user).
    cr.execute("""
        WITH t AS (
            INSERT INTO educonnect_account_trace (create_date, action,
                population, user_id, company_id, account_count, details,
                role, create_uid, write_uid, write_date)
            SELECT timestamp '2026-09-01 08:00', 'notify', pop,
                   (%s::int[])[1 + est], company_id, count(*),
                   'Type : Courrier à imprimer, réinitialisation du mot de '
                   'passe : non', 'director', 1, 1, timestamp '2026-09-01 08:00'
              FROM acad_account WHERE state <> 'not_notified'
             GROUP BY pop, est, company_id
            RETURNING id, population, company_id)
        SELECT id, population, company_id FROM t""",
               [[directors[c] for c in companies]])
    notify = {(pop, company): trace for trace, pop, company in cr.fetchall()}
    cr.execute("""
        CREATE TEMP TABLE acad_notify ON COMMIT DROP AS
        SELECT * FROM unnest(%s::int[], %s::varchar[], %s::int[])
               AS n(trace_id, pop, company_id)""",
               [list(notify.values()), [k[0] for k in notify],
                [k[1] for k in notify]])
    for pop in ("student", "guardian"):
        cr.execute("""
            INSERT INTO educonnect_trace_{p}_rel (trace_id, {p}_id)
            SELECT n.trace_id, a.id FROM acad_account a
              JOIN acad_notify n ON n.pop = a.pop AND n.company_id = a.company_id
             WHERE a.pop = %s AND a.state <> 'not_notified'
        """.format(p=pop), [pop])
    cr.execute("SELECT COALESCE(max(id), 0) FROM educonnect_account_trace")
    trace_base = cr.fetchone()[0]
    cr.execute("""
        INSERT INTO educonnect_account_trace (id, create_date, action,
            population, user_id, company_id, account_count, create_uid,
            write_uid, write_date)
        SELECT %s + u, timestamp '2026-09-02 07:00' + (g %% 80) * interval '1 day'
                   + (g %% 840) * interval '1 minute',
               CASE WHEN origin = 'self_registration' THEN 'self_registration'
                    ELSE 'activation' END,
               pop, %s + u, company_id, 1, %s + u, %s + u,
               timestamp '2026-09-02 07:00'
          FROM acad_account WHERE u IS NOT NULL
    """, [trace_base, user_base, user_base, user_base])
    for pop in ("student", "guardian"):
        cr.execute("""
            INSERT INTO educonnect_trace_{p}_rel (trace_id, {p}_id)
            SELECT %s + u, id FROM acad_account WHERE pop = %s AND u IS NOT NULL
        """.format(p=pop), [trace_base, pop])
    lap("traces of the notifications and activations")

    # The login registry the trigger would have filled, the sequences, the
    # indexes, the constraints back on.
    cr.execute("""
        INSERT INTO educonnect_login_registry (login_key, owner_table, owner_id)
        SELECT lower(login), CASE pop WHEN 'student' THEN 'educonnect_student'
                                      ELSE 'educonnect_guardian' END, id
          FROM acad_account""")
    for table in ("educonnect_student", "educonnect_guardian",
                  "educonnect_guardian_link", "res_partner", "res_users",
                  "educonnect_account_trace", "ir_attachment"):
        cr.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                   "(SELECT max(id) FROM {}))".format(table), [table])
    cr.execute("SET LOCAL session_replication_role = origin")
    lap("login registry, sequences")
    for _name, definition in index_defs:
        cr.execute(definition)
    lap("%d indexes re-created" % len(index_defs))
    template.unlink()
    env.cache.invalidate()
    env.registry.clear_caches()
    cr.commit()
    return {"companies": companies, "directors": directors,
            "timings": timings, "links": links, "users": users,
            "pupil_sizes": pupil_sizes}
