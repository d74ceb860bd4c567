"""Benchmark (not a test): do response times tell whether an account exists?

Generates one establishment (2,000 pupils, 4,000 guardians, bulk SQL) plus,
for each sample, an activated pupil with a confirmed e-mail address and a
guardian not yet activated whose e-mail address the school holds. Then serves
Odoo as a production site does (``--workers``, the queue_job runner, a
loopback SMTP server taking the codes) on 127.0.0.1 and times, over HTTP like
a browser, the answers of:

- ``POST /web/login``: an existing identifiant with a wrong password vs an
  unknown identifiant;
- ``POST /educonnect/forgot-password``: the identifiant of an account that
  can recover its password vs an unknown one;
- ``POST /educonnect/self-registration``: a guardian the school knows (name,
  child, e-mail address) vs the same child with a guardian it does not know.

Requests of every kind are interleaved in a random order, each from a new
browser session (its CSRF token fetched first, not timed), with a pause
between two requests so that the codes' jobs are done. The throttling
thresholds are raised for the run (otherwise the address would lock). Prints,
as Markdown, the median and spread of each kind, the difference of the
medians and its noise (95 % bootstrap interval).
"""
import argparse
import asyncore
import datetime
import os
import platform
import random
import re
import smtpd
import statistics
import subprocess
import threading
import time

import requests

import odoo
from odoo import SUPERUSER_ID, api

from bench_data import generate
from bench_served import serve as serve_odoo

PASSWORD = "un mot de passe de mesure"
PREFIX = "MESURE"
PARAMS = {
    # No lock during the run: each kind sends many failures from one address.
    "educonnect.throttle_login_max": "100000",
    "educonnect.throttle_address_max": "100000",
    "educonnect.code_max_per_hour": "100000",
}


class SmtpSink(smtpd.SMTPServer):
    """A loopback SMTP server counting what it receives."""

    def __init__(self):
        self._map = {}
        self.count = 0
        smtpd.SMTPServer.__init__(self, ("127.0.0.1", 0), None, map=self._map,
                                  decode_data=False)
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=asyncore.loop, daemon=True, kwargs={
            "timeout": 0.05, "map": self._map}).start()

    def process_message(self, *args, **kwargs):
        self.count += 1


def prepare(args, smtp_port, base_url):
    """The establishment and the accounts, committed. Returns, per sample,
    (pupil login, guardian's self-registration form)."""
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = generate(env, 2000, 4000)[0]
            params = env["ir.config_parameter"]
            for key, value in dict(PARAMS, **{"web.base.url": base_url}).items():
                params.set_param(key, value)
            env["ir.mail_server"].create({
                "name": "bench sink", "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port, "sequence": 1})
            Student = env["educonnect.student"]
            samples = []
            for n in range(args.samples + args.warmup):
                pupil = Student.create({
                    "last_name": PREFIX, "first_name": "Eleve%03d" % n,
                    "company_id": company.id})
                pupil._educonnect_notify()
                pupil._educonnect_activate(PASSWORD)
                pupil.write({"email": "eleve%03d@bench.example" % n,
                             "email_confirmed": True})
                birth = datetime.date(2011, 1, 1) + datetime.timedelta(days=n)
                child = Student.create({
                    "last_name": PREFIX + "ENFANT", "first_name": "Enfant%03d" % n,
                    "birth_date": birth.isoformat(), "company_id": company.id})
                guardian = env["educonnect.guardian"].create({
                    "last_name": PREFIX, "first_name": "Parent%03d" % n,
                    "email": "parent%03d@bench.example" % n,
                    "company_id": company.id})
                env["educonnect.guardian.link"].create({
                    "student_id": child.id, "guardian_id": guardian.id,
                    "legal_level": "1"})
                samples.append((pupil.login, {
                    "last_name": PREFIX, "first_name": "Parent%03d" % n,
                    "child_last_name": PREFIX + "ENFANT",
                    "child_first_name": "Enfant%03d" % n,
                    "child_birth_date": birth.isoformat(),
                    "contact": "parent%03d@bench.example" % n}))
            cr.commit()
            cr.execute("ANALYZE")
    return samples


def timed_post(base, form_path, path, data):
    """A new browser session: the form (not timed), then the POST (timed).
    Returns (seconds, status)."""
    session = requests.Session()
    page = session.get(base + form_path, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    began = time.perf_counter()
    response = session.post(base + path, data=dict(data, csrf_token=token),
                            allow_redirects=False, timeout=60)
    return time.perf_counter() - began, response.status_code


def requests_of(kind, n, samples):
    """(form path, POST path, data) of one request of ``kind``."""
    login, registration = samples[n]
    if kind == "login existing":
        return "/web/login", "/web/login", {
            "login": login, "password": "pas le bon mot de passe %d" % n}
    if kind == "login unknown":
        return "/web/login", "/web/login", {
            "login": "inconnu.%03d" % n, "password": "pas le bon mot de passe %d" % n}
    if kind == "recovery existing":
        return ("/educonnect/forgot-password", "/educonnect/forgot-password",
                {"login": login})
    if kind == "recovery unknown":
        return ("/educonnect/forgot-password", "/educonnect/forgot-password",
                {"login": "inconnu.%03d" % n})
    form = dict(registration)
    if kind == "self-registration unknown":
        form["first_name"] = "Inconnu%03d" % n
    return "/educonnect/self-registration", "/educonnect/self-registration", form


KINDS = ["login existing", "login unknown", "recovery existing",
         "recovery unknown", "self-registration existing",
         "self-registration unknown"]
ROWS = [("`POST /web/login` (wrong password)", "login"),
        ("`POST /educonnect/forgot-password`", "recovery"),
        ("`POST /educonnect/self-registration`", "self-registration")]


def quartiles(values):
    values = sorted(values)
    return values[len(values) // 4], values[(3 * len(values)) // 4]


def bootstrap_interval(a, b, rounds=2000, seed=7):
    """95 % interval of median(a) - median(b) over resamples."""
    rand = random.Random(seed)
    diffs = sorted(
        statistics.median(rand.choices(a, k=len(a)))
        - statistics.median(rand.choices(b, k=len(b))) for _ in range(rounds))
    return diffs[int(rounds * 0.025)], diffs[int(rounds * 0.975)]


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import psutil
        memory = "%.0f GiB" % (psutil.virtual_memory().total / 2 ** 30)
    except ImportError:
        memory = "?"
    return "%s, %d cores, %s, load average %s" % (
        model, os.cpu_count(), memory,
        " ".join("%.1f" % l for l in os.getloadavg()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--samples", type=int, default=100,
                        help="requests of each kind measured")
    parser.add_argument("--warmup", type=int, default=5,
                        help="requests of each kind sent first, not measured")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pause", type=float, default=0.8,
                        help="seconds between two requests (the code's job runs)")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    port = odoo.tools.config["http_port"]
    base = "http://127.0.0.1:%d" % port
    sink = SmtpSink()
    samples = prepare(args, sink.port, base)
    server = serve_odoo(args, port, logname="bench-timing-odoo.log", limits=False)
    times = {kind: [] for kind in KINDS}
    statuses = {kind: set() for kind in KINDS}
    try:
        order = [(kind, n) for n in range(args.warmup) for kind in KINDS]
        measured = [(kind, n) for n in range(args.warmup, args.warmup + args.samples)
                    for kind in KINDS]
        random.Random(11).shuffle(measured)
        for index, (kind, n) in enumerate(order + measured):
            seconds, status = timed_post(base, *requests_of(kind, n, samples))
            if index >= len(order):
                times[kind].append(seconds)
                statuses[kind].add(status)
            time.sleep(args.pause)
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    print("\n%s; %s UTC; Odoo with %d workers and the job runner on 127.0.0.1:%d, "
          "one establishment of 2,000 pupils and 4,000 guardians; %d requests of "
          "each kind (after %d not measured), interleaved at random, %.1f s apart; "
          "%d mails caught by the loopback SMTP server\n" % (
              machine(), datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
              args.workers, port, args.samples, args.warmup, args.pause,
              sink.count))
    print("| request | existing: median (p25–p75) ms | unknown: median (p25–p75) ms "
          "| difference of medians (95 % interval) ms | statuses |")
    print("|---|---|---|---|---|")
    for label, key in ROWS:
        existing, unknown = times[key + " existing"], times[key + " unknown"]
        low, high = bootstrap_interval(existing, unknown)
        print("| %s | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %+.1f (%+.1f … %+.1f) | %s / %s |" % (
            label,
            statistics.median(existing) * 1000,
            *(q * 1000 for q in quartiles(existing)),
            statistics.median(unknown) * 1000,
            *(q * 1000 for q in quartiles(unknown)),
            (statistics.median(existing) - statistics.median(unknown)) * 1000,
            low * 1000, high * 1000,
            ",".join(map(str, sorted(statuses[key + " existing"]))),
            ",".join(map(str, sorted(statuses[key + " unknown"])))))


if __name__ == "__main__":
    main()
