"""Load test (bounded, loopback only): staff sessions while a whole
establishment is notified.

Generates E establishments of 2,000 pupils and 4,000 guardians (bulk SQL),
one staff user per session, then serves Odoo as a production site would
(multi-process: ``--workers N`` plus the queue_job runner) on 127.0.0.1 and
runs, over HTTP/JSON-RPC like the web client:

- N staff sessions (threads), each in a loop: a pupil search by name (the
  search view's domain, first page and count: ``/web/dataset/search_read``),
  opening a list (first page and count, ``read_group`` by class), then a
  pause (``--think``, 2 s on average: a person reading);
- at the same time one director notifies every pupil of their establishment
  (2,000 letters): wizard, confirm (a background batch), polling of the
  batch's progress, download of the PDF at the end.

The sessions stop when the batch is done (or after ``--duration`` seconds).
Prints the latencies (median, p95, max), the errors (must be 0) and the
time of the batch, as Markdown.
"""
import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import threading
import time

import requests

import odoo
from odoo import SUPERUSER_ID, api

from bench_data import generate
from bench_search import LINK_FIELDS, STUDENT_FIELDS, name_filter

PASSWORD = "bench load password"
# Names of bench_data's establishments, common and less so.
TERMS = ["DUBOIS", "léa", "MAR", "n'guessan", "raphaël", "LE GALL", "chloé", "ROUX"]


class RpcError(Exception):
    pass


class Client(object):
    ids = itertools.count(1)

    def __init__(self, base, db):
        self.base, self.db = base, db
        self.http = requests.Session()

    def call(self, path, params):
        response = self.http.post(self.base + path, timeout=120, json={
            "jsonrpc": "2.0", "method": "call", "params": params,
            "id": next(self.ids)})
        response.raise_for_status()
        data = response.json()
        if data.get("error"):
            raise RpcError(data["error"].get("data", {}).get("message")
                           or data["error"].get("message"))
        return data["result"]

    def login(self, login):
        result = self.call("/web/session/authenticate", {
            "db": self.db, "login": login, "password": PASSWORD})
        if not result.get("uid"):
            raise RpcError("login failed for %s" % login)
        self.context = result["user_context"]

    def call_kw(self, model, method, args, kwargs=None):
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", self.context)
        return self.call("/web/dataset/call_kw/%s/%s" % (model, method), {
            "model": model, "method": method, "args": args, "kwargs": kwargs})

    def search_read(self, model, domain, fields):
        return self.call("/web/dataset/search_read", {
            "model": model, "domain": domain, "fields": fields, "limit": 80,
            "sort": "", "context": self.context})


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100.0
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def prepare(args):
    """The data and users, committed; returns the logins."""
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            from odoo.addons.educonnect_accounts.tools.uai import uai_check_letter
            Users = env["res.users"].with_context(no_reset_password=True)
            group = env.ref("educonnect_accounts.group_educonnect_director")
            companies = []
            for n in range(args.establishments):
                uai7 = "0597%03d" % n
                company = generate(env, 2000, 4000, uai=uai7 + uai_check_letter(uai7),
                                   name="Collège chargé %d" % n)[0]
                companies.append(company)
            logins = []
            for n in range(args.sessions + 1):
                company = companies[n % len(companies)]
                login = "load.%02d" % n
                Users.create({
                    "name": "Personnel %02d" % n, "login": login,
                    "password": PASSWORD, "lang": "fr_FR",
                    "company_id": company.id, "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [env.ref("base.group_user").id, group.id])]})
                logins.append(login)
            cr.commit()
            cr.execute("ANALYZE")
    return logins


def serve(args, port, logname="bench-load-odoo.log", limits=True):
    """Odoo served as a production site (``--workers``, the job runner, no
    cron) on ``port``; returns the process once it answers."""
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "..", "bin",
                                        "odoo-bin"),
           "-c", args.config, "-d", args.database, "--workers", str(args.workers),
           "--max-cron-threads", "0", "--log-level", "warn",
           "--logfile", os.path.join(os.path.dirname(args.config), logname)]
    if limits:
        cmd += ["--limit-time-real", "600", "--limit-time-cpu", "300"]
    server = subprocess.Popen(cmd)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get("http://127.0.0.1:%d/web/login" % port,
                            timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(1)
    server.kill()
    raise SystemExit("Odoo did not answer on port %d" % port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--establishments", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean pause of a session between two searches "
                             "(seconds; 0: back-to-back requests)")
    parser.add_argument("--min-duration", type=int, default=30,
                        help="measure the searches at least this long")
    parser.add_argument("--duration", type=int, default=600,
                        help="upper bound of the test, in seconds")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    port = odoo.tools.config["http_port"]
    start = time.time()
    logins = prepare(args)
    generation = time.time() - start
    server = serve(args, port)
    base = "http://127.0.0.1:%d" % port
    searches, lists, errors = [], [], []
    done = threading.Event()
    lock = threading.Lock()
    batch_result = {}

    ready = threading.Barrier(args.sessions + 1)

    def staff(login):
        client = Client(base, args.database)
        rand = random.Random(login)
        try:
            # Warm-up, not measured: each worker loads the registry on its
            # first request.
            client.login(login)
            client.search_read("educonnect.student", name_filter("MAR"),
                               STUDENT_FIELDS)
            client.search_read("educonnect.guardian.link", [], LINK_FIELDS)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            with lock:
                errors.append("%s: %s" % (login, exc))
            return
        finally:
            ready.wait(300)
        while not done.is_set():
            try:
                began = time.time()
                client.search_read("educonnect.student",
                                   name_filter(rand.choice(TERMS)), STUDENT_FIELDS)
                middle = time.time()
                model, fields = rand.choice([
                    ("educonnect.student", STUDENT_FIELDS),
                    ("educonnect.guardian.link", LINK_FIELDS)])
                client.search_read(model, [], fields)
                client.call_kw(model, "read_group", [[], ["class_id"],
                                                     ["class_id"]], {"lazy": True})
                end = time.time()
                with lock:
                    searches.append(middle - began)
                    lists.append(end - middle)
                if args.think:
                    # A person reads the result before the next search.
                    done.wait(rand.uniform(0.5, 1.5) * args.think)
            except Exception as exc:  # noqa: BLE001
                with lock:
                    errors.append("%s: %s" % (login, exc))
                time.sleep(1)

    def notifier(login):
        client = Client(base, args.database)
        try:
            client.login(login)
            began = time.time()
            pupils = client.call_kw("educonnect.student", "search", [[]])
            context = dict(client.context, active_model="educonnect.student",
                           active_ids=pupils, active_domain=[])
            wizard = client.call_kw("educonnect.notify.wizard", "create", [{}],
                                    {"context": context})
            client.call_kw("educonnect.notify.wizard", "action_next", [[wizard]],
                           {"context": context})
            action = client.call_kw("educonnect.notify.wizard", "action_confirm",
                                    [[wizard]], {"context": context})
            batch_id = action["res_id"]
            dispatched = time.time() - began
            progress = []
            while time.time() - start < args.duration:
                batch = client.call_kw("educonnect.batch", "read", [[batch_id], [
                    "state", "progress", "attachment_id"]])[0]
                progress.append(batch["progress"])
                if batch["state"] in ("done", "failed"):
                    break
                time.sleep(1)
            finished = time.time() - began
            pdf = client.http.get("%s/web/content/%d?download=true" % (
                base, batch["attachment_id"][0]), timeout=120).content \
                if batch["attachment_id"] else b""
            batch_result.update(
                pupils=len(pupils), state=batch["state"], dispatch=dispatched,
                total=finished, pdf=len(pdf), is_pdf=pdf.startswith(b"%PDF"),
                progress=sorted(set(int(p) for p in progress)))
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append("notifier: %s" % exc)
        finally:
            # At least --min-duration seconds of measured searches.
            time.sleep(max(0, args.min_duration - (time.time() - load_start)))
            done.set()

    threads = [threading.Thread(target=staff, args=(login,))
               for login in logins[1:]]
    try:
        for thread in threads:
            thread.start()
        ready.wait(300)
        watchdog = threading.Timer(args.duration, done.set)
        watchdog.start()
        load_start = time.time()
        notifier(logins[0])
        for thread in threads:
            thread.join(180)
        watchdog.cancel()
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    print("\n%d establishments of 2,000 pupils and 4,000 guardians (generated in "
          "%.0f s); Odoo with %d workers and the job runner on 127.0.0.1:%d; "
          "%d sessions, pause %.1f s on average between two searches\n"
          % (args.establishments, generation, args.workers, port,
             args.sessions, args.think))
    print("| what | count | median (ms) | p95 (ms) | max (ms) | errors |")
    print("|---|---|---|---|---|---|")
    for label, values in (("Pupil search by name (search_read + count)", searches),
                          ("Open a list (first page + count + read_group by class)", lists)):
        print("| %s, %d sessions | %d | %.0f | %.0f | %.0f | %d |" % (
            label, args.sessions, len(values),
            statistics.median(values) * 1000 if values else 0,
            percentile(values, 95) * 1000, max(values or [0]) * 1000,
            len(errors)))
    if batch_result:
        print("\nNotify every pupil of one establishment meanwhile: %(pupils)d "
              "pupils, dispatched in %(dispatch).1f s, batch %(state)s after "
              "%(total).1f s, PDF %(pdf)d bytes (valid: %(is_pdf)s), progress "
              "seen: %(progress)s" % batch_result)
    for error in errors[:20]:
        print("ERROR:", error)
    sys.exit(1 if errors or batch_result.get("state") != "done" else 0)


if __name__ == "__main__":
    main()
