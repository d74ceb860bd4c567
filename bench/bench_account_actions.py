"""Benchmark of the account actions on a generated establishment.

Generates N pupils and M guardians (two legal guardians per pupil, plus
siblings sharing guardians) with bulk SQL, then measures, each as the median
of several runs rolled back between runs:
  - (re)notify every pupil / every guardian (rules of 3.2 and 4.2);
  - the letters PDF of every pupil (wall time and peak memory of the Odoo
    process plus wkhtmltopdf);
  - the lists (3.3, 4.3) in CSV, XLSX and PDF, pupils and guardians;
  - queries issued per operation.
Run through bin/bench; prints a Markdown table for BENCHMARKS.md.
"""
import argparse
import os
import platform
import statistics
import sys
import threading
import time

import psutil

import odoo
from odoo import SUPERUSER_ID, api

# The one people generator of the project (pure Python, no Odoo).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "educonnect_accounts_demo", "tools"))
import people  # noqa: E402

# Inserted in bulk by SQL, cycling through the generator's names (as SIECLE
# writes them: last names in capitals).
FIRST = [name for pair in zip(people.FIRST_NAMES["F"], people.FIRST_NAMES["M"])
         for name in pair]
LAST = [name.upper() for name in people.LAST_NAMES]


class PeakMemory(object):
    """Peak RSS of this process plus its children (wkhtmltopdf)."""

    def __init__(self):
        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            total = self.proc.memory_info().rss
            for child in self.proc.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class QueryCounter(object):
    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.start = self.cr.sql_log_count
        return self

    def __exit__(self, *exc):
        self.count = self.cr.sql_log_count - self.start


def generate(env, pupils, guardians, uai="0599999Y", name="Collège de mesure",
             logins=True):
    """Bulk-insert one establishment: classes, pupils, guardians, links."""
    cr = env.cr
    company = env["res.company"].create({
        "name": name, "educonnect_uai": uai,
        "educonnect_type": "clg", "educonnect_academy": "lille"})
    env.user.write({"company_ids": [(4, company.id)], "company_id": company.id})
    mef = env["educonnect.mef"].search([("code", "=", "10010012110")]) or \
        env["educonnect.mef"].create({"code": "10010012110", "name": "6EME"})
    class_ids = [env["educonnect.class"].create({
        "name": "%d %d" % (level, n), "mef_id": mef.id,
        "company_id": company.id}).id for level in (6, 5, 4, 3) for n in range(1, 9)]
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


def measure(env, runs, label, func, memory=False):
    """Median wall time over ``runs`` (each rolled back), queries, memory."""
    times, peaks, queries = [], [], []
    for _ in range(runs):
        env.cr.execute("SAVEPOINT bench")
        start = time.time()
        with QueryCounter(env.cr) as counter:
            if memory:
                with PeakMemory() as mem:
                    detail = func()
                peaks.append(mem.peak)
            else:
                detail = func()
        times.append(time.time() - start)
        queries.append(counter.count)
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
        env.cache.invalidate()
    row = {"label": label, "median": statistics.median(times),
           "min": min(times), "max": max(times),
           "queries": int(statistics.median(queries)), "detail": detail}
    if memory:
        row["peak_mib"] = max(peaks) / 2 ** 20
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--guardians", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    # wkhtmltopdf reads the report stylesheets from this process's server.
    from odoo.service import server, wsgi_server
    server.ThreadedServer(wsgi_server.application).http_spawn()
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": "fr_FR",
                                                     "tracking_disable": True})
            env["ir.config_parameter"].set_param(
                "report.url", "http://127.0.0.1:%s" % odoo.tools.config["http_port"])
            start = time.time()
            company, students, guardians, links, logins = generate(
                env, args.pupils, args.guardians)
            cr.commit()
            generation = time.time() - start
            rows = []

            def notify(accounts):
                return lambda: "%d accounts" % len(accounts._educonnect_notify())

            rows.append(measure(env, args.runs, "(Re)notify all pupils",
                                notify(students)))
            rows.append(measure(env, args.runs, "(Re)notify all guardians",
                                notify(guardians)))

            def letters(accounts, model):
                def run():
                    printed = accounts._educonnect_notify()
                    pdf = accounts._educonnect_letters_pdf(printed)
                    return "%d accounts, %.1f MiB PDF" % (len(accounts),
                                                          len(pdf) / 2 ** 20)
                return run

            rows.append(measure(env, args.runs, "Notify + letters PDF, all pupils",
                                letters(students, "student"), memory=True))

            def batch(accounts, model="educonnect.notify.wizard", values=None):
                """The wizard's background path: dispatch, then every job
                performed in this process as the job runner would (without
                the commits, to roll back between runs)."""
                from odoo.addons.queue_job.job import Job

                def run():
                    wizard = env[model].with_context(
                        active_model=accounts._name, active_ids=accounts.ids,
                        active_domain=[]).create(values or {})
                    action = wizard.action_confirm()
                    batch = env["educonnect.batch"].browse(action["res_id"])
                    jobs = 0
                    while True:
                        job = env["queue.job"].search([
                            ("state", "=", "pending"),
                            ("model_name", "=", "educonnect.batch")], limit=1)
                        if not job:
                            break
                        loaded = Job.load(env, job.uuid)
                        loaded.set_started()
                        loaded.store()
                        loaded.perform()
                        loaded.set_done()
                        loaded.store()
                        jobs += 1
                    assert batch.state == "done", batch.state
                    return "%d accounts, %d jobs, %.0f KiB file" % (
                        batch.total_count, jobs,
                        batch.attachment_id.file_size / 1024)
                return run

            rows.append(measure(env, args.runs, "Notify all pupils as a "
                                "background batch (letters, download)",
                                batch(students), memory=True))

            students._educonnect_notify()
            guardians._educonnect_notify()
            cr.commit()
            rows.append(measure(env, args.runs, "List of guardians, XLSX, as a "
                                "background batch", batch(
                                    links, "educonnect.list.wizard",
                                    {"list_format": "xlsx"})))
            # The rows below: the file made at once, in the request (the
            # path of selections under the batch threshold).
            env["ir.config_parameter"].set_param(
                "educonnect_accounts.batch_threshold", "1000000")

            def listing(records, fmt):
                def run():
                    wizard = env["educonnect.list.wizard"].with_context(
                        active_model=records._name, active_ids=records.ids).create(
                            {"list_format": fmt})
                    wizard.action_confirm()
                    return "%d rows, %.0f KiB" % (
                        len(records), wizard.attachment_id.file_size / 1024)
                return run

            for fmt in ("csv", "xlsx", "pdf"):
                rows.append(measure(env, args.runs, "List of pupils, %s" % fmt.upper(),
                                    listing(students, fmt), memory=fmt == "pdf"))
                rows.append(measure(env, args.runs,
                                    "List of guardians, %s" % fmt.upper(),
                                    listing(links, fmt), memory=fmt == "pdf"))
            cr.rollback()

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(l.split(":", 1)[1].strip() for l in handle
                       if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("\nMachine: %s, %d cores, %.0f GiB; %s" % (
        cpu, psutil.cpu_count(), psutil.virtual_memory().total / 2 ** 30,
        time.strftime("%Y-%m-%d")))
    print("Establishment: %d pupils, %d guardians, %d pupil-guardian rows "
          "(generated in %.1f s, identifiants in %.1f s)\n" % (
              len(students), len(guardians), len(links), generation, logins))
    print("| operation | median (s) | min–max (s) | queries | peak memory | what |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| %s | %.2f | %.2f–%.2f | %d | %s | %s |" % (
            row["label"], row["median"], row["min"], row["max"], row["queries"],
            "%.0f MiB" % row["peak_mib"] if "peak_mib" in row else "",
            row["detail"]))


if __name__ == "__main__":
    main()
