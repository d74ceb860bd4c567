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
import platform
import statistics
import threading
import time

import psutil

import odoo
from odoo import SUPERUSER_ID, api

from bench_data import generate


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
            rows = _measure_actions(env, args.runs, students, guardians, links)
            cr.rollback()
    _print_report(rows, "%d pupils, %d guardians, %d pupil-guardian rows "
                  "(generated in %.1f s, identifiants in %.1f s)" % (
                      len(students), len(guardians), len(links), generation,
                      logins))


def _measure_actions(env, runs, students, guardians, links):
    rows = [
        measure(env, runs, "(Re)notify all pupils", _notify(students)),
        measure(env, runs, "(Re)notify all guardians", _notify(guardians)),
        measure(env, runs, "Notify + letters PDF, all pupils",
                _letters(students), memory=True),
        measure(env, runs, "Notify all pupils as a background batch "
                "(letters, download)", _batch(env, students), memory=True),
    ]
    students._educonnect_notify()
    guardians._educonnect_notify()
    env.cr.commit()
    rows.append(measure(env, runs, "List of guardians, XLSX, as a "
                        "background batch", _batch(
                            env, links, "educonnect.list.wizard",
                            {"list_format": "xlsx"})))
    # The rows below: the file made at once, in the request (the path of
    # selections under the batch threshold).
    env["ir.config_parameter"].set_param(
        "educonnect_accounts.batch_threshold", "1000000")
    for fmt in ("csv", "xlsx", "pdf"):
        rows.append(measure(env, runs, "List of pupils, %s" % fmt.upper(),
                            _listing(env, students, fmt), memory=fmt == "pdf"))
        rows.append(measure(env, runs, "List of guardians, %s" % fmt.upper(),
                            _listing(env, links, fmt), memory=fmt == "pdf"))
    return rows


def _notify(accounts):
    return lambda: "%d accounts" % len(accounts._educonnect_notify())


def _letters(accounts):
    def run():
        printed = accounts._educonnect_notify()
        pdf = accounts._educonnect_letters_pdf(printed)
        return "%d accounts, %.1f MiB PDF" % (len(accounts), len(pdf) / 2 ** 20)
    return run


def _batch(env, accounts, model="educonnect.notify.wizard", values=None):
    """The wizard's background path: dispatch, then every job performed in
    this process as the job runner would (without the commits, to roll back
    between runs)."""
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
            batch.total_count, jobs, batch.attachment_id.file_size / 1024)
    return run


def _listing(env, records, fmt):
    def run():
        wizard = env["educonnect.list.wizard"].with_context(
            active_model=records._name, active_ids=records.ids).create(
                {"list_format": fmt})
        wizard.action_confirm()
        return "%d rows, %.0f KiB" % (
            len(records), wizard.attachment_id.file_size / 1024)
    return run


def machine():
    """« CPU model, N cores, M GiB » of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(l.split(":", 1)[1].strip() for l in handle
                       if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return "%s, %d cores, %.0f GiB" % (
        cpu, psutil.cpu_count(), psutil.virtual_memory().total / 2 ** 30)


def _print_report(rows, establishment):
    print("\nMachine: %s; %s" % (machine(), time.strftime("%Y-%m-%d")))
    print("Establishment: %s\n" % establishment)
    print("| operation | median (s) | min–max (s) | queries | peak memory | what |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| %s | %.2f | %.2f–%.2f | %d | %s | %s |" % (
            row["label"], row["median"], row["min"], row["max"], row["queries"],
            "%.0f MiB" % row["peak_mib"] if "peak_mib" in row else "",
            row["detail"]))


if __name__ == "__main__":
    main()
