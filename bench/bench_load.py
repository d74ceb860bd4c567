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
import random
import statistics
import subprocess
import sys
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api

from bench_data import generate
from bench_served import Client, serve
from bench_search import LINK_FIELDS, STUDENT_FIELDS, name_filter

PASSWORD = "bench load password"
# Names of bench_data's establishments, common and less so.
TERMS = ["DUBOIS", "léa", "MAR", "n'guessan", "raphaël", "LE GALL", "chloé", "ROUX"]


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
    load = Load(args, "http://127.0.0.1:%d" % port, start)
    try:
        load.run(logins)
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
    load.report()
    sys.exit(1 if load.errors or load.batch.get("state") != "done" else 0)


class Load(object):
    """The staff sessions (threads) and the notifier, sharing what they
    measure."""

    def __init__(self, args, base, start):
        self.args, self.base, self.start = args, base, start
        self.searches, self.lists, self.errors = [], [], []
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.batch = {}
        self.ready = threading.Barrier(args.sessions + 1)
        self.load_start = None

    def run(self, logins):
        threads = [threading.Thread(target=self.staff, args=(login,))
                   for login in logins[1:]]
        for thread in threads:
            thread.start()
        self.ready.wait(300)
        watchdog = threading.Timer(self.args.duration, self.done.set)
        watchdog.start()
        self.load_start = time.time()
        self.notifier(logins[0])
        for thread in threads:
            thread.join(180)
        watchdog.cancel()

    def error(self, message):
        with self.lock:
            self.errors.append(message)

    def client(self):
        """A new JSON-RPC session to the served Odoo."""
        return Client(self.base, self.args.database)

    def staff(self, login):
        client = self.client()
        try:
            # Warm-up, not measured: each worker loads the registry on its
            # first request.
            client.login(login, PASSWORD)
            client.search_read("educonnect.student", name_filter("MAR"),
                               STUDENT_FIELDS)
            client.search_read("educonnect.guardian.link", [], LINK_FIELDS)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            self.error("%s: %s" % (login, exc))
            return
        finally:
            self.ready.wait(300)
        rand = random.Random(login)
        while not self.done.is_set():
            try:
                self._search_and_list(client, rand)
            except Exception as exc:  # noqa: BLE001
                self.error("%s: %s" % (login, exc))
                time.sleep(1)

    def _search_and_list(self, client, rand):
        began = time.time()
        client.search_read("educonnect.student",
                           name_filter(rand.choice(TERMS)), STUDENT_FIELDS)
        middle = time.time()
        model, fields = rand.choice([
            ("educonnect.student", STUDENT_FIELDS),
            ("educonnect.guardian.link", LINK_FIELDS)])
        client.search_read(model, [], fields)
        client.call_kw(model, "read_group", [[], ["class_id"], ["class_id"]],
                       {"lazy": True})
        end = time.time()
        with self.lock:
            self.searches.append(middle - began)
            self.lists.append(end - middle)
        if self.args.think:
            # A person reads the result before the next search.
            self.done.wait(rand.uniform(0.5, 1.5) * self.args.think)

    def notifier(self, login):
        client = self.client()
        try:
            client.login(login, PASSWORD)
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
            dispatched = time.time() - began
            self._follow_batch(client, action["res_id"], began)
            self.batch.update(pupils=len(pupils), dispatch=dispatched)
        except Exception as exc:  # noqa: BLE001
            self.error("notifier: %s" % exc)
        finally:
            self.before_stop()
            self.done.set()

    def before_stop(self):
        """The batch is over: the sessions go on at least --min-duration
        seconds of measured searches."""
        time.sleep(max(0, self.args.min_duration
                       - (time.time() - self.load_start)))

    def _follow_batch(self, client, batch_id, began):
        """The batch's progress until it ends, then its PDF downloaded."""
        progress = []
        batch = {}
        while time.time() - self.start < self.args.duration:
            try:
                batch = client.call_kw("educonnect.batch", "read", [[batch_id], [
                    "state", "progress", "attachment_id"]])[0]
            except Exception as exc:  # noqa: BLE001 - counted, then again
                self.error("notifier: %s" % exc)
                time.sleep(1)
                continue
            progress.append(batch["progress"])
            if batch["state"] in ("done", "failed"):
                break
            time.sleep(1)
        finished = time.time() - began
        pdf = client.http.get("%s/web/content/%d?download=true" % (
            self.base, batch["attachment_id"][0]), timeout=120).content \
            if batch.get("attachment_id") else b""
        self.batch.update(
            id=batch_id, state=batch.get("state"), total=finished, pdf=len(pdf),
            is_pdf=pdf.startswith(b"%PDF"),
            progress=sorted(set(int(p) for p in progress)))

    def report(self):
        print("| what | count | median (ms) | p95 (ms) | max (ms) | errors |")
        print("|---|---|---|---|---|---|")
        for label, values in (
                ("Pupil search by name (search_read + count)", self.searches),
                ("Open a list (first page + count + read_group by class)",
                 self.lists)):
            print("| %s, %d sessions | %d | %.0f | %.0f | %.0f | %d |" % (
                label, self.args.sessions, len(values),
                statistics.median(values) * 1000 if values else 0,
                percentile(values, 95) * 1000, max(values or [0]) * 1000,
                len(self.errors)))
        if self.batch:
            print("\nNotify every pupil of one establishment meanwhile: "
                  "%(pupils)d pupils, dispatched in %(dispatch).1f s, batch "
                  "%(state)s after %(total).1f s, PDF %(pdf)d bytes (valid: "
                  "%(is_pdf)s), progress seen: %(progress)s" % self.batch)
        for error in self.errors[:20]:
            print("ERROR:", error)

if __name__ == "__main__":
    main()
