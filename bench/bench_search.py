"""Benchmark of searching and opening the lists in an académie-size database.

Generates E establishments of P pupils and G guardians on average (defaults:
100 × 1,000 + 2,000 = 300,000 accounts, ``bench_data.generate_academie``) plus one
establishment of 2,000 pupils and 4,000 guardians whose staff member is
measured, then times, each as the median of several runs, the calls the web
client makes (same ORM methods, same arguments; server time, no HTTP):

- the pupil search by name: the search view's filter (name, first name or
  identifiant ``ilike``), first page (``search_read``, 80 rows) and the count
  (``search_count``) — as the establishment's staff (record rules) and as an
  académie-wide administrator (no rule, 100,000 pupils);
- opening the pupil list of the 2,000-pupil establishment: the views
  (``load_views``), the first page, the count, and the counts of the filters
  (``read_group`` by account state and by class);
- the same for the guardian list (pupil-guardian rows).

Prints Markdown rows for BENCHMARKS.md, with the SQL queries of each
operation and the query plan of the searches (index or sequential scan).
"""
import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

from bench_account_actions import QueryCounter
from bench_data import generate, generate_academie

STUDENT_FIELDS = ["name", "class_id", "mef_id", "login", "state", "origin",
                  "notification_date", "last_login_date"]
LINK_FIELDS = ["student_name", "class_id", "guardian_name", "legal_level",
               "login", "email", "state", "origin"]


def name_filter(term):
    """The domain of the pupil search view's « Nom ou prénom » field."""
    return ["|", "|", ("name", "ilike", term), ("first_name", "ilike", term),
            ("login", "ilike", term)]


def measure(cr, runs, func):
    times, queries = [], []
    for _ in range(runs):
        cr.execute("SAVEPOINT bench")
        # Each run starts with an empty record cache, as each request of the
        # web client does (the cache is shared by the environments of a cursor).
        api.Environment(cr, SUPERUSER_ID, {}).cache.invalidate()
        start = time.time()
        with QueryCounter(cr) as counter:
            detail = func()
        times.append(time.time() - start)
        queries.append(counter.count)
        cr.execute("ROLLBACK TO SAVEPOINT bench")
    return statistics.median(times), min(times), max(times), \
        int(statistics.median(queries)), detail


def plan(env, model, domain):
    """Index or sequential scans of the search query."""
    Model = env[model]
    query = Model._where_calc(domain)
    Model._apply_ir_rules(query, "read")
    from_clause, where_clause, params = query.get_sql()
    env.cr.execute("EXPLAIN SELECT %s.id FROM %s WHERE %s ORDER BY %s LIMIT 80" % (
        Model._table, from_clause, where_clause or "TRUE",
        Model._generate_order_by(None, query).replace("ORDER BY", "")), params)
    lines = [r[0] for r in env.cr.fetchall()]
    scans = [l.strip().split(" on ")[0].lstrip("-> ").strip() + " on " +
             l.split(" on ")[1].split()[0]
             for l in lines if " on " in l and "Scan" in l]
    return ", ".join(dict.fromkeys(scans))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--establishments", type=int, default=100)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--guardians", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                     "lang": "fr_FR"})
            start = time.time()
            students, staff = _prepare(env, args)
            generation = time.time() - start
            cr.execute("ANALYZE")
            cr.execute("SELECT (SELECT count(*) FROM educonnect_student) + "
                       "(SELECT count(*) FROM educonnect_guardian), "
                       "(SELECT count(*) FROM educonnect_student)")
            accounts, all_pupils = cr.fetchone()
            staff_env = env(user=staff.id)
            one = students.sorted("id")[1234]
            one.invalidate_cache()
            terms = [("DUBOIS", "a surname"), ("léa", "a first name"),
                     (one.login, "an identifiant")]
            rows = _searches(env, staff_env, args.runs, terms, all_pupils, "")
            # The same searches without the trigram indexes (dropped in this
            # transaction, rolled back after), to show what they are for.
            cr.execute("SAVEPOINT no_trigram")
            cr.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE "
                       "'educonnect%%trgm_idx'")
            for (index,) in cr.fetchall():
                cr.execute('DROP INDEX "%s"' % index)
            rows += _searches(env, staff_env, args.runs, terms[:1], all_pupils,
                              "without the trigram indexes")
            cr.execute("ROLLBACK TO SAVEPOINT no_trigram")
            rows += _open_lists(staff_env, args.runs)
            cr.rollback()  # the generated data stays (committed) for psql
    print("\n%d accounts (%d pupils) in %d establishments, generated in %.0f s\n"
          % (accounts, all_pupils, args.establishments + 1, generation))
    print("| operation | median (ms) | min–max (ms) | queries | result | plan |")
    print("|---|---|---|---|---|---|")
    for label, median, low, high, queries, detail, scans in rows:
        print("| %s | %.0f | %.0f–%.0f | %d | %s | %s |" % (
            label, median * 1000, low * 1000, high * 1000, queries, detail, scans))


def _prepare(env, args):
    """The académie and the measured collège with its director, committed;
    returns (the collège's pupils, the director)."""
    # The académie generator of bench_data (states of section 5, portal
    # users of the activated accounts), totals of the per-establishment sizes.
    generate_academie(env, args.establishments,
                      args.establishments * args.pupils,
                      args.establishments * args.guardians)
    company, students, _guardians, _links, _logins = generate(
        env, 2000, 4000, uai="0599999Y", name="Collège mesuré")
    staff = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Agent mesuré", "login": "bench.agent", "lang": "fr_FR",
        "password": "bench.agent.password",
        "company_id": company.id, "company_ids": [(6, 0, company.ids)],
        "groups_id": [(6, 0, [
            env.ref("base.group_user").id,
            env.ref("educonnect_accounts.group_educonnect_director").id])]})
    env.cr.commit()
    return students, staff


def _search(e, model, domain, fields):
    def run():
        Model = e[model]
        found = Model.search_read(domain, fields, limit=80)
        count = Model.search_count(domain) if len(found) == 80 else len(found)
        return "%d found" % count
    return run


def _searches(env, staff_env, runs, terms, all_pupils, variant):
    """The pupil search of each term, as the staff and as the administrator."""
    rows = []
    for term, what in terms:
        domain = name_filter(term)
        for who, e, where in (("staff", staff_env, "one establishment"),
                              ("administrator", env, "%d pupils" % all_pupils)):
            row = measure(env.cr, runs, _search(
                e, "educonnect.student", domain, STUDENT_FIELDS))
            label = ("Same, %s: « %s », %s, %s" % (variant, term, who, where)
                     if variant else "Pupil search « %s » (%s), %s, %s"
                     % (term, what, who, where))
            rows.append((label,) + row
                        + (plan(e, "educonnect.student", domain),))
    return rows


def _open_list(staff_env, model, fields, groups, filters=()):
    def run():
        Model = staff_env[model]
        Model.load_views([[False, "list"], [False, "form"],
                          [False, "search"]], {"toolbar": True})
        Model.search_read([], fields, limit=80)
        count = Model.search_count([])
        for group in groups:
            Model.read_group([], [group], [group], lazy=True)
        for domain in filters:
            Model.search_count(domain)
        return "%d rows" % count
    return run


def _open_lists(staff_env, runs):
    cr = staff_env.cr
    return [
        ("Open the pupil list (views, first page, count, filters by state "
         "and class), 2,000 pupils",)
        + measure(cr, runs, _open_list(staff_env, "educonnect.student",
                                       STUDENT_FIELDS, ["state", "class_id"]))
        + (plan(staff_env, "educonnect.student", []),),
        ("Open the guardian list (views, first page, count, by class, count "
         "of « Notifié »), 5,000 rows",)
        + measure(cr, runs, _open_list(
            staff_env, "educonnect.guardian.link", LINK_FIELDS, ["class_id"],
            [[("state", "=", "notified")]]))
        + (plan(staff_env, "educonnect.guardian.link", []),),
    ]


if __name__ == "__main__":
    main()
