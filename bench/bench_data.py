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
