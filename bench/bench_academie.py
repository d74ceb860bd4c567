"""Benchmarks at the scale of a large académie (issue 19).

One database, generated once in bulk by ``bench_data.generate_academie``
(defaults: 600 establishments, 500,000 pupils, 1,000,000 guardians, states
of section 5 of the guide, a portal user for every activated account) and
kept: a later run with the same generator and parameters reuses it (the
addons are upgraded in it first if their code changed); ``--regenerate``
builds it again. Then, in that database, each as the median (and 95th
percentile) of several runs, each with an empty record cache and rolled
back:

- ``search``: the pupil and guardian search by name of one establishment's
  director (record rules by establishment), common and rare names, an
  identifiant; the same searches by the académie-wide administrator;
- ``lists``: opening the pupil and guardian lists as that director (views,
  first page, count, the filters' group counts);
- ``stats``: the nightly statistics of every establishment, as the cron runs
  them;
- ``siecle``: the SIECLE import of a 5,000-pupil establishment (preview,
  first import, re-import) into that database;
- ``storm``: the sign-in storm of ``bench_storm`` served on that database
  (nginx, HTTP workers, cron worker, job runner): directors and pupils and
  guardians drawn at random from the whole académie sign in over HTTP,
  saturated then paced at half the rate, against the password-hash rate
  measured in the same run; then 20 browsers activate pupils of the
  académie from their letters (``--storm-activations``, drawn at random
  among the notified pupils whose letter is valid, provisional password
  decrypted as the letter prints it) and every one of them signs in
  afterwards. The activations stay in the database (each run activates
  other letters: 200 of the académie's 100,000 notified pupils by default).

Prints Markdown tables for BENCHMARKS.md and writes the query plans
(EXPLAIN ANALYZE, BUFFERS) of the searches and lists to
``var/academie-plans.txt``.
"""
import argparse
import glob
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_data  # noqa: E402
from bench_account_actions import QueryCounter  # noqa: E402
from bench_search import (LINK_FIELDS, STUDENT_FIELDS, _open_list,  # noqa: E402
                          _search, name_filter)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("educonnect_accounts", "educonnect_accounts_stats")
STAMP = "educonnect_bench_academie"
ROWS = ("search", "lists", "stats", "siecle", "storm")


def _digest(paths):
    sha = hashlib.sha1()
    for path in sorted(paths):
        sha.update(path.encode())
        with open(path, "rb") as handle:
            sha.update(handle.read())
    return sha.hexdigest()[:12]


def generator_key(args):
    """Same key, same database: the generator's code and its parameters."""
    return "%s-%d-%d-%d" % (
        _digest([os.path.join(ROOT, "bench", "bench_data.py"),
                 os.path.join(ROOT, "educonnect_accounts_demo", "tools",
                              "people.py")]),
        args.establishments, args.pupils, args.guardians)


def addons_key():
    """Changes when the addons' code changes (models, data, views)."""
    files = []
    for addon in ADDONS:
        for ext in ("py", "xml", "csv"):
            files += glob.glob(os.path.join(ROOT, addon, "**", "*." + ext),
                               recursive=True)
    return _digest([f for f in files if "/tests/" not in f])


def _odoo(args, *options):
    command = [sys.executable, os.path.join(ROOT, "bin", "odoo-bin"), "-c",
               args.config, "-d", args.database, "--stop-after-init",
               "--log-level=warn"] + list(options)
    log = os.path.join(ROOT, "var", "bench-academie-odoo.log")
    with open(log, "w") as handle:
        if subprocess.call(command, stdout=handle, stderr=subprocess.STDOUT):
            sys.exit("odoo %s failed (see %s)" % (" ".join(options), log))


def _stamp(database):
    """The stamp of the académie database, or None (no such database, or
    one that is not a finished académie)."""
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if not cr.fetchone():
            return None
    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr.execute("SELECT to_regclass(%s)", [STAMP])
        if not cr.fetchone()[0]:
            return None
        cr.execute("SELECT data FROM %s" % STAMP)
        row = cr.fetchone()
        return json.loads(row[0]) if row else None


def ensure_academie(args):
    """The académie database, generated now or reused. Returns its stamp."""
    key = generator_key(args)
    stamp = None if args.regenerate else _stamp(args.database)
    if stamp and stamp["key"] == key:
        print("Reusing the académie database %s, generated on %s in %.0f s "
              "(same generator, %d establishments, %d pupils, %d guardians); "
              "--regenerate to build it again." % (
                  args.database, stamp["date"], stamp["generation"],
                  args.establishments, args.pupils, args.guardians))
        if stamp["addons"] != addons_key():
            print("The addons changed since: upgrading them in %s."
                  % args.database)
            start = time.time()
            _odoo(args, "-u", ",".join(ADDONS))
            stamp["addons"] = addons_key()
            stamp["upgrades"] = stamp.get("upgrades", []) + [
                [time.strftime("%Y-%m-%d %H:%M"), round(time.time() - start)]]
            _write_stamp(args.database, stamp)
            print("Upgraded in %.0f s." % (time.time() - start))
        return stamp
    if stamp or _stamp(args.database) is not None or args.regenerate:
        print("The académie database %s was generated by another generator "
              "or with other parameters (or --regenerate): building it again."
              % args.database)
    odoo.sql_db.close_db(args.database)
    subprocess.call(["dropdb", "--if-exists", args.database])
    print("Installing the addons in %s" % args.database)
    start = time.time()
    _odoo(args, "-i", ",".join(ADDONS), "--without-demo=all",
          "--load-language=fr_FR")
    install = time.time() - start
    print("Installed in %.0f s. Generating the académie (bulk SQL):" % install)
    start = time.time()
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                     "lang": "fr_FR"})
            result = bench_data.generate_academie(
                env, args.establishments, args.pupils, args.guardians)
    step = time.time()
    # Fresh planner statistics and visibility map, as autovacuum would
    # leave them after such a load.
    with odoo.sql_db.db_connect(args.database).cursor() as cr:
        cr.autocommit(True)
        cr.execute("VACUUM ANALYZE")
    result["timings"].append(("VACUUM ANALYZE", time.time() - step))
    print("  %-58s %6.1f s" % ("VACUUM ANALYZE", time.time() - step))
    generation = time.time() - start
    stamp = {"key": key, "addons": addons_key(),
             "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "install": round(install, 1), "generation": round(generation, 1),
             "timings": [[s, round(t, 1)] for s, t in result["timings"]],
             "companies": result["companies"],
             "directors": {str(k): v for k, v in result["directors"].items()},
             "pupil_sizes": result["pupil_sizes"], "links": result["links"],
             "users": result["users"], "load": os.getloadavg()}
    _write_stamp(args.database, stamp)
    print("Generated in %.0f s (install %.0f s before it)." % (generation, install))
    return stamp


def _write_stamp(database, stamp):
    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr.execute("CREATE TABLE IF NOT EXISTS %s (data text)" % STAMP)
        cr.execute("DELETE FROM %s" % STAMP)
        cr.execute("INSERT INTO %s (data) VALUES (%%s)" % STAMP,
                   [json.dumps(stamp)])
        cr.commit()


def sizes(cr):
    cr.execute("SELECT pg_database_size(current_database())")
    total = cr.fetchone()[0]
    cr.execute("""
        SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid),
               c.reltuples::bigint
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname = 'public'
         ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12""")
    return total, cr.fetchall()


# -- measurements -------------------------------------------------------------

def measure(cr, runs, func, *others):
    """Each run with an empty record cache (as each request of the web
    client) and rolled back: median, p95, min, max, queries, result.
    ``others``: more (cursor, function) pairs measured in turn with it, run
    by run (the floor in the reference database: same load, same moment);
    then a list of results is returned."""
    pairs = [(cr, func)] + [tuple(o) for o in others]
    times = [[] for _ in pairs]
    queries = [[] for _ in pairs]
    details = [None for _ in pairs]
    for _ in range(runs):
        for n, (cursor, function) in enumerate(pairs):
            cursor.execute("SAVEPOINT bench")
            api.Environment(cursor, SUPERUSER_ID, {}).cache.invalidate()
            start = time.time()
            with QueryCounter(cursor) as counter:
                details[n] = function()
            times[n].append(time.time() - start)
            queries[n].append(counter.count)
            cursor.execute("ROLLBACK TO SAVEPOINT bench")
    results = []
    for n in range(len(pairs)):
        t = sorted(times[n])
        p95 = t[min(len(t) - 1, int(round(0.95 * (len(t) - 1))))]
        results.append({"median": statistics.median(t), "p95": p95,
                        "min": t[0], "max": t[-1],
                        "queries": int(statistics.median(queries[n])),
                        "detail": details[n]})
    return results if others else results[0]


def explain(env, model, domain, order=None, limit=80, count=False):
    """EXPLAIN (ANALYZE, BUFFERS) of the query the ORM runs for a search
    (record rules included): the first page, or the count."""
    Model = env[model]
    query = Model._where_calc(domain)
    Model._apply_ir_rules(query, "read")
    from_clause, where_clause, params = query.get_sql()
    if count:
        sql = "SELECT count(1) FROM %s WHERE %s" % (from_clause,
                                                    where_clause or "TRUE")
    else:
        sql = "SELECT %s.id FROM %s WHERE %s %s LIMIT %d" % (
            Model._table, from_clause, where_clause or "TRUE",
            Model._generate_order_by(order, query), limit)
    env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    return sql % tuple("'%s'" % p if isinstance(p, str) else p
                       for p in params) if params else sql, \
        "\n".join(r[0] for r in env.cr.fetchall())


def scans(plan_text):
    """The scans of a plan, one line: « Bitmap Index Scan on x, … »."""
    found = []
    for line in plan_text.splitlines():
        line = line.strip().lstrip("-> ").strip()
        if " on " in line and "Scan" in line.split(" on ")[0]:
            found.append(line.split(" on ")[0] + " on " +
                         line.split(" on ")[1].split()[0])
    return ", ".join(dict.fromkeys(found))


class Report(object):
    def __init__(self, plans_path):
        self.rows = []
        self.plans = open(plans_path, "w")

    def row(self, section, label, result, target, plan=""):
        self.rows.append((section, label, result, target, plan))
        print("  %-70s median %7.1f ms  p95 %7.1f ms  %3d queries  %s" % (
            label[:70], result["median"] * 1000, result["p95"] * 1000,
            result["queries"], result["detail"]), flush=True)

    def plan(self, title, sql_plan):
        sql, text = sql_plan
        self.plans.write("## %s\n\n%s\n\n%s\n\n" % (title, sql, text))
        self.plans.flush()
        return text


def _measured_establishment(env, stamp):
    """The largest establishment (the slowest for its staff) and its
    director."""
    sizes_by_company = dict(zip(stamp["companies"], stamp["pupil_sizes"]))
    company = max(sizes_by_company, key=sizes_by_company.get)
    director = env["res.users"].browse(stamp["directors"][str(company)])
    return env["res.company"].browse(company), director


def _terms(env, company):
    """Common and rare names of the measured establishment, an identifiant."""
    cr = env.cr
    cr.execute("SELECT last_name, count(*) FROM educonnect_student "
               "WHERE company_id = %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
               [company.id])
    common, common_n = cr.fetchone()
    cr.execute("SELECT last_name, count(*) FROM educonnect_student "
               "WHERE company_id = %s GROUP BY 1 ORDER BY 2, 1 LIMIT 1",
               [company.id])
    rare, rare_n = cr.fetchone()
    cr.execute("SELECT first_name, count(*) FROM educonnect_student "
               "WHERE company_id = %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
               [company.id])
    first, first_n = cr.fetchone()
    cr.execute("SELECT login FROM educonnect_student WHERE company_id = %s "
               "AND login ~ '[0-9]$' ORDER BY id LIMIT 1 OFFSET 100",
               [company.id])
    login = cr.fetchone()[0]
    return [(common, "the most common surname (%d pupils here)" % common_n),
            (rare, "a rare surname (%d pupils here)" % rare_n),
            (first.lower(), "a common first name (%d pupils here)" % first_n),
            (login, "an identifiant"),
            (common[:4].lower(), "the first letters of a name")]


def bench_search(env, stamp, runs, report, floor=None):
    """``floor``: (env, stamp) of the reference database (the measured
    establishment alone): its staff's same searches, run by run."""
    company, director = _measured_establishment(env, stamp)
    staff = env(user=director.id)
    terms = _terms(env, company)
    floor_staff = None
    if floor:
        floor_company, floor_director = _measured_establishment(*floor)
        floor_staff = floor[0](user=floor_director.id)
        floor_login = _terms(floor[0], floor_company)[3][0]
    cr = env.cr
    cr.execute("SELECT count(*) FROM educonnect_student WHERE active")
    pupils = cr.fetchone()[0]
    print("\nSearch by name (%s, %d pupils; %s, académie-wide: %d pupils)" % (
        company.name, stamp["pupil_sizes"][stamp["companies"].index(company.id)],
        "the administrator", pupils))
    for term, what in terms:
        domain = name_filter(term)
        for who, e, section in (("director of one establishment", staff,
                                 "staff"),
                                ("académie-wide administrator", env, "admin")):
            func = _search(e, "educonnect.student", domain, STUDENT_FIELDS)
            if section == "staff" and floor_staff is not None:
                floor_term = floor_login if what == "an identifiant" else term
                result, low = measure(cr, runs, func, (
                    floor_staff.cr, _search(floor_staff, "educonnect.student",
                                            name_filter(floor_term),
                                            STUDENT_FIELDS)))
                report.row("floor", "Floor: the same search « %s », the "
                           "establishment alone in its database" % floor_term,
                           low, "")
            else:
                result = measure(cr, runs, func)
            text = report.plan("Pupil search « %s » (%s), %s" % (term, what, who),
                               explain(e, "educonnect.student", domain))
            report.row(section, "Pupil search « %s » (%s), %s" % (term, what, who),
                       result, "", scans(text))
    # The guardian list's search (pupil–guardian rows, by either name).
    common = terms[0][0]
    domain = ["|", ("student_name", "ilike", common),
              ("guardian_name", "ilike", common)]
    for who, e, section in (("director of one establishment", staff, "staff"),
                            ("académie-wide administrator", env, "admin")):
        result = measure(cr, runs, _search(e, "educonnect.guardian.link", domain,
                                           LINK_FIELDS))
        text = report.plan("Guardian list search « %s », %s" % (common, who),
                           explain(e, "educonnect.guardian.link", domain))
        report.row(section, "Guardian list search « %s » (pupil or guardian "
                   "name), %s" % (common, who), result, "", scans(text))


def bench_lists(env, stamp, runs, report, floor=None):
    company, director = _measured_establishment(env, stamp)
    staff = env(user=director.id)
    cr = env.cr
    floors = [None, None]
    if floor:
        _floor_company, floor_director = _measured_establishment(*floor)
        floor_staff = floor[0](user=floor_director.id)
        floors = [(floor_staff.cr, _open_list(
            floor_staff, "educonnect.student", STUDENT_FIELDS,
            ["state", "class_id"])), (floor_staff.cr, _open_list(
                floor_staff, "educonnect.guardian.link", LINK_FIELDS,
                ["class_id"], [[("state", "=", "notified")]]))]
    print("\nOpening the lists as the director of %s" % company.name)
    func = _open_list(staff, "educonnect.student", STUDENT_FIELDS,
                      ["state", "class_id"])
    if floors[0]:
        result, low = measure(cr, runs, func, floors[0])
        report.row("floor", "Floor: opening the pupil list, the establishment "
                   "alone in its database", low, "")
    else:
        result = measure(cr, runs, func)
    text = report.plan("Pupil list, first page (director)",
                       explain(staff, "educonnect.student", []))
    report.plan("Pupil list, count (director)",
                explain(staff, "educonnect.student", [], count=True))
    report.row("lists", "Open the pupil list (views, first page, count, "
               "group counts by state and class)", result, "", scans(text))
    func = _open_list(staff, "educonnect.guardian.link", LINK_FIELDS,
                      ["class_id"], [[("state", "=", "notified")]])
    if floors[1]:
        result, low = measure(cr, runs, func, floors[1])
        report.row("floor", "Floor: opening the guardian list, the "
                   "establishment alone in its database", low, "")
    else:
        result = measure(cr, runs, func)
    text = report.plan("Guardian list, first page (director)",
                       explain(staff, "educonnect.guardian.link", []))
    report.plan("Guardian list, count of « Notifié » (director)",
                explain(staff, "educonnect.guardian.link",
                        [("state", "=", "notified")], count=True))
    report.row("lists", "Open the guardian list (views, first page, count, "
               "by class, count of « Notifié »)", result, "", scans(text))


def bench_stats(env, runs, report):
    from bench_statistics import _measure
    companies = env["res.company"].search_count([])
    print("\nNightly statistics, %d establishments (the cron's method)"
          % companies)
    times, queries, lines = _measure(env, runs)
    times.sort()
    result = {"median": statistics.median(times), "p95": times[-1],
              "min": times[0], "max": times[-1],
              "queries": int(statistics.median(queries)),
              "detail": "%d establishments, %d lines" % (companies, lines)}
    report.row("stats", "Nightly statistics, every establishment", result, "")


def bench_siecle(env, args, report):
    import bench_siecle_import
    print("\nSIECLE import of a %d-pupil establishment into the académie"
          % args.siecle_pupils)
    rows, info = bench_siecle_import.run(env, args.siecle_pupils,
                                         args.siecle_guardians, args.siecle_runs,
                                         commit=False)
    for row in rows:
        result = {"median": row["median"], "p95": row["max"], "min": row["min"],
                  "max": row["max"], "queries": row["queries"],
                  "detail": row["detail"]}
        report.row("siecle", "SIECLE: %s" % row["label"], result, "")
    print("  " + info)


def bench_signin_storm(args, stamp):
    """The sign-in storm of ``bench_storm``, served on the académie: its
    visitors drawn at random from every establishment (no worker has seen
    them: the caches of rights and rules miss, as at 8:00 on a rentrée
    morning). Run outside any cursor of this process: Odoo serves the
    database from its own processes."""
    import multiprocessing
    import random
    import bench_storm
    rand = random.Random(19)
    with odoo.sql_db.db_connect(args.database).cursor() as cr:
        cr.execute("SELECT login FROM res_users WHERE id = ANY(%s)",
                   [list(stamp["directors"].values())])
        staff = [("staff", login) for (login,) in cr.fetchall()]
        visitors = rand.sample(staff, min(args.storm_staff, len(staff)))
        for kind, table, count in (("pupil", "educonnect_student", args.storm_pupils),
                                   ("guardian", "educonnect_guardian",
                                    args.storm_guardians)):
            cr.execute("SELECT u.login FROM %s a JOIN res_users u ON u.id = a.user_id "
                       "WHERE a.state = 'activated' AND u.active" % table)
            logins = [login for (login,) in cr.fetchall()]
            visitors += [(kind, login) for login in rand.sample(logins, count)]
    rand.shuffle(visitors)
    letters = []
    if args.storm_activations:
        from odoo.addons.educonnect_accounts.tools.crypto import decrypt_secret
        with odoo.sql_db.db_connect(args.database).cursor() as cr:
            cr.execute("SELECT login, provisional_password_crypt "
                       "FROM educonnect_student WHERE state = 'notified' "
                       "AND active AND letter_expiry_date >= current_date "
                       "AND provisional_password_crypt IS NOT NULL "
                       "ORDER BY random() LIMIT %s", [args.storm_activations])
            letters = [(login, decrypt_secret(crypt)) for login, crypt in cr.fetchall()]
    storm_args = argparse.Namespace(
        config=args.config, database=args.database, workers=args.storm_workers,
        clients=args.storm_clients, addresses=40, duration=args.storm_duration,
        activation_clients=20)
    odoo_port = odoo.tools.config["http_port"]
    public_port = odoo_port + 5
    processes = os.cpu_count()
    pool = multiprocessing.get_context("spawn").Pool(processes)
    server, proxy = bench_storm.serve(storm_args, odoo_port, public_port,
                                      "bench-academie-storm-odoo.log")
    cpu = bench_storm.ServerCpu(args.database, server.pid, proxy.pid)

    def password_of(_login):
        return bench_data.ACADEMIE_PASSWORD

    try:
        floor = bench_storm.hash_floor(pool, processes, args.storm_floor_seconds)
        results = {"saturated": bench_storm.saturated(
            storm_args, public_port, visitors, args.storm_clients,
            args.storm_warmup, args.storm_duration, cpu, password_of)}
        rate = results["saturated"][0]
        results["paced"] = (rate / 2, bench_storm.paced(
            storm_args, public_port, visitors, rate / 2, args.storm_duration,
            password_of=password_of))
        if letters:
            activation_floor = bench_storm.hash_floor(pool, processes,
                                                      args.storm_floor_seconds)
            results["activation"] = bench_storm.activation_storm(
                storm_args, public_port, letters, cpu)
            results["checks"] = bench_storm.activation_checks(storm_args, letters)
            results["afterwards"] = bench_storm.signed_in_afterwards(
                storm_args, public_port, letters)
    finally:
        bench_storm.stop(server, proxy)
        pool.close()
    print("\nSign-in storm in the académie: %d visitors drawn from every "
          "establishment (%s), Odoo with %d HTTP workers, the cron worker and "
          "the job runner behind nginx; floor: %d processes verifying Odoo's "
          "pbkdf2-sha512 (%d rounds), %.1f hashes/s, %.0f ms of CPU per hash\n"
          % (len(visitors), ", ".join("%s %d" % (k, sum(1 for v in visitors
                                                       if v[0] == k))
                                      for k in bench_storm.KINDS),
             args.storm_workers, processes, bench_storm.rounds(), floor[0],
             1000 * floor[1]))
    print("| storm | figure | floor (same run) | ratio | site CPU per operation "
          "(hash share) | latency p50 / p95 | errors |")
    print("|---|---|---|---|---|---|---|")
    bench_storm.print_signin_rows(storm_args, results, floor)
    if letters:
        bench_storm.print_activation_rows(storm_args, results, activation_floor,
                                          len(letters))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--establishments", type=int, default=600)
    parser.add_argument("--pupils", type=int, default=500000)
    parser.add_argument("--guardians", type=int, default=1000000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stats-runs", type=int, default=3)
    parser.add_argument("--siecle-pupils", type=int, default=5000)
    parser.add_argument("--siecle-guardians", type=int, default=9000)
    parser.add_argument("--siecle-runs", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-floor", action="store_true",
                        help="do not measure the staff rows again in the "
                        "reference database (the measured establishment "
                        "alone, kept as <database>_one)")
    parser.add_argument("--only", default=",".join(ROWS),
                        help="comma-separated: %s (none: generate only)"
                        % ", ".join(ROWS))
    parser.add_argument("--storm-workers", type=int, default=4)
    parser.add_argument("--storm-clients", type=int, default=16)
    parser.add_argument("--storm-staff", type=int, default=30)
    parser.add_argument("--storm-pupils", type=int, default=1000)
    parser.add_argument("--storm-guardians", type=int, default=500)
    parser.add_argument("--storm-warmup", type=float, default=15.0)
    parser.add_argument("--storm-duration", type=float, default=40.0)
    parser.add_argument("--storm-floor-seconds", type=float, default=6.0)
    parser.add_argument("--storm-activations", type=int, default=200)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    stamp = ensure_academie(args)
    only = [r for r in args.only.split(",") if r]
    floor_args = None
    if not args.no_floor and ({"search", "lists"} & set(only)):
        # The floor of the staff rows: the same establishment (as many
        # pupils and guardians) alone in a database, measured run by run
        # with the académie (same load, same moment).
        size = max(stamp["pupil_sizes"])
        guardians = bench_data._sizes(args.guardians, stamp["pupil_sizes"])[
            stamp["pupil_sizes"].index(size)]
        floor_args = argparse.Namespace(**dict(
            vars(args), database=args.database + "_one", establishments=1,
            pupils=size, guardians=guardians, regenerate=False))
        print("\nReference database (the floor):")
        floor_stamp = ensure_academie(floor_args)
    report = Report(os.path.join(ROOT, "var", "academie-plans.txt"))
    loads = [os.getloadavg()]
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                     "lang": "fr_FR"})
            total, tables = sizes(cr)
            print("\nDatabase %s: %.2f GiB on disk" % (args.database,
                                                      total / 2 ** 30))
            print("| table | rows | table (MiB) | indexes (MiB) |")
            print("|---|---|---|---|")
            for name, table, indexes, rows in tables:
                print("| %s | %d | %.0f | %.0f |" % (name, rows, table / 2 ** 20,
                                                    indexes / 2 ** 20))
            floor = None
            if floor_args:
                floor_cr = odoo.registry(floor_args.database).cursor()
                floor = (api.Environment(floor_cr, SUPERUSER_ID, {
                    "tracking_disable": True, "lang": "fr_FR"}), floor_stamp)
            if "search" in only:
                bench_search(env, stamp, args.runs, report, floor)
                loads.append(os.getloadavg())
            if "lists" in only:
                bench_lists(env, stamp, args.runs, report, floor)
                loads.append(os.getloadavg())
            if floor:
                floor_cr.rollback()
                floor_cr.close()
            if "stats" in only:
                bench_stats(env, args.stats_runs, report)
                loads.append(os.getloadavg())
            if "siecle" in only:
                bench_siecle(env, args, report)
                loads.append(os.getloadavg())
            cr.rollback()
    if "storm" in only:
        bench_signin_storm(args, stamp)
        loads.append(os.getloadavg())
    print("\nLoad average (1 min) during the runs: %s" % ", ".join(
        "%.1f" % l[0] for l in loads))
    print("\n| row | operation | median (ms) | p95 (ms) | min–max (ms) | "
          "queries | result | scans |")
    print("|---|---|---|---|---|---|---|---|")
    for section, label, r, _target, plan in report.rows:
        print("| %s | %s | %.0f | %.0f | %.0f–%.0f | %d | %s | %s |" % (
            section, label, r["median"] * 1000, r["p95"] * 1000,
            r["min"] * 1000, r["max"] * 1000, r["queries"], r["detail"], plan))
    print("\nQuery plans: var/academie-plans.txt")


if __name__ == "__main__":
    main()
