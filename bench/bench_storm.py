"""Benchmark (not a test): the sign-in and activation storms of the rentrée.

Serves Odoo as a production site does (``bin/demo --workers``: nginx in
front, N HTTP workers in proxy mode, the cron worker, the queue_job runner)
on a bench database holding one generated establishment, then, over HTTP,
like browsers:

1. **Floor**: the raw password-hash rate of this machine, measured in the
   same run: Odoo's own CryptContext (pbkdf2-sha512 at Odoo's rounds, via
   passlib) verifying a hash in one process per core, hashes/s.
2. **Sign-in storm**: staff, pupils and guardians, each in a new browser
   session, doing the whole sign-in: the login page (its CSRF token), the
   credentials posted, the landing page (``/web`` for staff, ``/my`` for
   pupils and guardians) checked to be signed in. First saturated (clients
   back to back: sign-ins/s against the floor, each costs one hash), then
   paced at half that rate (Poisson arrivals, latency counted from the
   arrival, so waiting in a queue counts): p50/p95.
3. **Activation storm**: 20 clients activating 1,000 pupils from their
   letters at once (identifiant and provisional password on the login page,
   the new password chosen twice on « Première connexion », the portal);
   activations/s against the floor (each costs two hashes: the password
   set, then checked by the sign-in that ends the activation). Then SQL:
   one user per account, no login twice; and every pupil signs in over HTTP
   with the password chosen.

The machine may be shared: besides the wall-clock rates, the bench counts
the CPU seconds the site used (Odoo's processes, nginx's, the PostgreSQL
backends of the bench database) per sign-in and per activation, and the
CPU seconds of one hash: their ratio is the hash's share of the work,
whatever the other processes took. The clients' own CPU is counted apart.

The clients come from many loopback addresses (127.0.1.x), one per
« school »: nginx passes each client's address to Odoo (X-Forwarded-For from
``$remote_addr``, never the client's own header; Odoo in proxy mode), so
that Odoo's throttling counts per school as in production. Its rules and
thresholds are the product's: nothing is raised for the run.
"""
import argparse
import datetime
import http.client
import itertools
import multiprocessing
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_BIN = os.path.join(ROOT, "bin", "odoo-bin")
LIB_SH = os.path.join(ROOT, "bin", "_lib.sh")

CSRF_RE = re.compile(rb'name="csrf_token" value="([^"]+)"')
JS_REDIRECT_RE = re.compile(rb"window\.location = '([^']+)'")
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/120.0 Safari/537.36")
KINDS = ("staff", "pupil", "guardian")


# -- the floor: Odoo's hash, on every core ------------------------------------

def _crypt_context():
    # Odoo's own CryptContext (auth_crypt): what res.users hashes and checks
    # passwords with.
    from odoo.addons.auth_crypt.models.res_users import default_crypt_context
    return default_crypt_context


def _verify_for(seconds):
    context = _crypt_context()
    password = "un mot de passe de mesure"
    stored = context.hash(password)
    count, began, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - began < seconds:
        assert context.verify(password, stored)
        count += 1
    return count, time.perf_counter() - began, time.process_time() - cpu


def _hash(password):
    return _crypt_context().hash(password)


def hash_floor(pool, processes, seconds):
    """(hashes checked per second by ``processes`` processes at once, CPU
    seconds per hash)."""
    pool.map(_verify_for, [0.1] * processes)  # imported, warm
    results = pool.map(_verify_for, [seconds] * processes)
    return (sum(count / elapsed for count, elapsed, _cpu in results),
            sum(cpu for _c, _e, cpu in results) / sum(c for c, _e, _cpu in results))


class ServerCpu(object):
    """CPU seconds used by the site: Odoo's processes (master, workers,
    cron, job runner, long polling), nginx's, and the PostgreSQL backends
    of the bench database. The machine is shared: wall-clock rates depend
    on what the other processes take, CPU seconds per sign-in much less."""

    def __init__(self, database, *roots):
        self.database, self.roots = database, roots

    def pids(self):
        import psutil
        pids = set()
        for root in self.roots:
            try:
                process = psutil.Process(root)
                pids |= {p.pid for p in [process] + process.children(recursive=True)}
            except psutil.NoSuchProcess:
                pass
        import odoo
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                       [self.database])
            pids |= {row[0] for row in cr.fetchall()}
        return pids

    def snapshot(self):
        import psutil
        times = {}
        for pid in self.pids():
            try:
                cpu = psutil.Process(pid).cpu_times()
                times[pid] = cpu.user + cpu.system
            except psutil.Error:
                pass
        return times

    @staticmethod
    def used(before, after):
        """CPU seconds between two snapshots (processes present in both,
        and the new ones entirely)."""
        return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def rounds():
    return _crypt_context().handler().default_rounds


# -- a browser, as little as the pages need ------------------------------------

class Browser(object):
    """One visitor's browser: a connection from its own address, the
    session cookie."""

    def __init__(self, port, address):
        self.port, self.address = port, address
        self.cookies = {}
        self.conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=120, source_address=(address, 0))

    def close(self):
        self.conn.close()

    def request(self, method, path, form=None):
        headers = {"Host": "127.0.0.1:%d" % self.port, "User-Agent": USER_AGENT,
                   "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, val = value.split(";", 1)[0].partition("=")
                self.cookies[key.strip()] = val
        return response.status, response.getheader("Location"), data

    def csrf(self, path):
        status, _location, data = self.request("GET", path)
        found = CSRF_RE.search(data)
        if status != 200 or not found:
            raise StormError("GET %s: %s, %s" % (
                path, status, "no CSRF token" if not found else ""))
        return found.group(1).decode()


class StormError(Exception):
    pass


def next_page(status, location, data):
    """Where a form's answer sends the browser: a redirection (303), or
    Odoo's login answer for browsers that lose the URL's fragment (a page
    whose script sets ``window.location``)."""
    if status in (301, 302, 303) and location:
        return urllib.parse.urlsplit(location).path
    if status == 200:
        found = JS_REDIRECT_RE.search(data)
        if found:
            return found.group(1).decode()
    return None


def landing_ok(kind, path, status, data):
    """The landing page of a signed-in visitor of ``kind``."""
    if status != 200:
        return False
    if kind == "staff":
        # The web client's page carries the session's user.
        return path.startswith("/web") and b'"uid": ' in data \
            and b'"uid": null' not in data
    return path == "/my" and b"/web/session/logout" in data


def sign_in(port, address, kind, login, password):
    """The whole sign-in of one visitor in a new browser. Raises
    StormError when it does not end signed in."""
    browser = Browser(port, address)
    try:
        token = browser.csrf("/web/login")
        answer = browser.request("POST", "/web/login", {
            "csrf_token": token, "login": login, "password": password,
            "redirect": ""})
        path = next_page(*answer)
        if not path:
            raise StormError("POST /web/login for %s: %s" % (kind, answer[0]))
        status, _location, data = browser.request("GET", path)
        if not landing_ok(kind, path, status, data):
            raise StormError("landing %s for %s: %s" % (path, kind, status))
    finally:
        browser.close()


def activate(port, address, login, provisional, chosen):
    """The first sign-in with the letter, as the guide says: identifiant
    and provisional password on the login page, the new password twice on
    « Première connexion », then the portal."""
    browser = Browser(port, address)
    try:
        token = browser.csrf("/web/login")
        answer = browser.request("POST", "/web/login", {
            "csrf_token": token, "login": login, "password": provisional,
            "redirect": ""})
        path = next_page(*answer)
        if path != "/educonnect/first-login":
            raise StormError("letter sign-in: %s → %s" % (answer[0], path))
        token = browser.csrf(path)
        answer = browser.request("POST", path, {
            "csrf_token": token, "password": chosen, "confirm": chosen,
            "email": ""})
        path = next_page(*answer)
        if path != "/my":
            raise StormError("first login: %s → %s" % (answer[0], path))
        status, _location, data = browser.request("GET", path)
        if not landing_ok("pupil", path, status, data):
            raise StormError("portal after activation: %s" % status)
    finally:
        browser.close()


# -- the establishment and its accounts ----------------------------------------

def chosen_password(login):
    return "mon mot de passe à moi %s" % login


def signin_password(login):
    return "le mot de passe de %s" % login


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns "
               "WHERE table_name = %s AND column_name <> 'id' "
               "ORDER BY ordinal_position", [table])
    return [row[0] for row in cr.fetchall()]


def _clone(cr, table, template_id, values):
    """A copy of row ``template_id`` of ``table`` with ``values``; its id."""
    columns = _columns(cr, table)
    select = ", ".join("%%(%s)s" % c if c in values else "t.%s" % c for c in columns)
    cr.execute("INSERT INTO %s (%s) SELECT %s FROM %s t WHERE t.id = %%(template)s "
               "RETURNING id" % (table, ", ".join(columns), select, table),
               dict(values, template=template_id))
    return cr.fetchone()[0]


def activated_users(env, accounts, hashes):
    """Give ``accounts`` (not notified) the portal users an activation gives
    them, and every user the password hash of ``hashes`` (login → hash), in
    bulk: the first user is made by the product's own method, the others
    are copies of its rows (partner, user, groups, establishments)."""
    cr = env.cr
    first = accounts[0]
    template = first._educonnect_portal_user(signin_password(first.login))
    user_ids = {first.id: template.id}
    for account in accounts[1:]:
        partner = _clone(cr, "res_partner", template.partner_id.id, {
            "name": account.name, "display_name": account.name,
            "email": account.email})
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = %s",
                   [partner])
        user_ids[account.id] = _clone(cr, "res_users", template.id, {
            "login": account.login, "partner_id": partner})
    new = [u for u in user_ids.values() if u != template.id]
    for rel, column, user in (("res_groups_users_rel", "gid", "uid"),
                              ("res_company_users_rel", "cid", "user_id")):
        cr.execute("INSERT INTO %s (%s, %s) SELECT r.%s, u FROM %s r, "
                   "unnest(%%s::int[]) u WHERE r.%s = %%s" % (
                       rel, column, user, column, rel, user), [new, template.id])
    cr.execute("UPDATE res_users u SET password_crypt = v.h, password = NULL "
               "FROM unnest(%s::varchar[], %s::varchar[]) v(login, h) "
               "WHERE u.login = v.login",
               [list(hashes), [hashes[l] for l in hashes]])
    table = accounts._table
    cr.execute("UPDATE %s t SET state = 'activated', origin = 'school', "
               "user_id = v.u, notification_date = current_date - 30 "
               "FROM unnest(%%s::int[], %%s::int[]) v(id, u) WHERE t.id = v.id"
               % table, [list(user_ids), [user_ids[i] for i in user_ids]])
    env.cache.invalidate()


def prepare(args, pool, base_url):
    """The establishment, its signed-up population and its letters,
    committed. Returns (sign-in visitors, letters)."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from bench_data import generate
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env["ir.config_parameter"].set_param("web.base.url", base_url)
            company, students, guardians = generate(
                env, args.pupils + args.activations, args.guardians)[:3]
            signing_pupils = students[:args.pupils]
            letter_pupils = students[args.pupils:args.pupils + args.activations]
            # Staff of the establishment: directors, delegated agents and
            # troubleshooting agents in turn (their delegations follow
            # the groups).
            Users = env["res.users"].with_context(no_reset_password=True)
            roles = ["director", "manager", "troubleshooter"]
            staff = Users.browse()
            for n in range(args.staff):
                group = env.ref("educonnect_accounts.group_educonnect_%s"
                                % roles[n % 3])
                staff |= Users.create({
                    "name": "Personnel %03d" % n, "login": "personnel.%03d" % n,
                    "lang": "fr_FR", "tz": "Europe/Paris",
                    "company_id": company.id, "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                          group.id])]})
            visitors = [("staff", u.login) for u in staff] + \
                [("pupil", a.login) for a in signing_pupils] + \
                [("guardian", a.login) for a in guardians[:args.signin_guardians]]
            started = time.time()
            hashes = dict(zip(
                [login for _kind, login in visitors],
                pool.map(_hash, [signin_password(l) for _k, l in visitors],
                         chunksize=16)))
            hashing = time.time() - started
            activated_users(env, signing_pupils, hashes)
            activated_users(env, guardians[:args.signin_guardians], hashes)
            # The letters: notified as the director does (identifiant,
            # provisional password); the bench reads them as printed.
            printed = letter_pupils._educonnect_notify()
            letters = [(a.login, printed[a.id]) for a in letter_pupils]
            cr.commit()
            cr.execute("ANALYZE")
    return visitors, letters, hashing


# -- serving, as bin/demo --workers does --------------------------------------

def serve(args, odoo_port, public_port, logname):
    """Odoo with N workers, the cron worker and the job runner, in proxy
    mode, behind bin/_lib.sh's nginx (start_proxy) on ``public_port``.
    Returns (odoo process, nginx shell)."""
    server = subprocess.Popen([
        sys.executable, ODOO_BIN, "-c", args.config, "-d", args.database,
        "--workers", str(args.workers), "--max-cron-threads", "1",
        "--proxy-mode", "--limit-time-real", "600", "--log-level", "warn",
        "--logfile", os.path.join(os.path.dirname(args.config), logname)],
        start_new_session=True)
    proxy = subprocess.Popen(
        ["bash", "-c", 'source "$0"; start_proxy storm "$1" "$2"; wait "$PROXY_PID"',
         LIB_SH, str(public_port), str(odoo_port)],
        start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("Odoo stopped while starting (see var/%s)" % logname)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", public_port, timeout=10)
            conn.request("GET", "/web/login")
            if conn.getresponse().status == 200:
                break
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(1)
    else:
        stop(server, proxy)
        raise SystemExit("Odoo did not answer through nginx on %d" % public_port)
    # The web assets, built before the doors open (as bin/demo does).
    subprocess.run([sys.executable, os.path.join(ROOT, "bin", "warm_up.py"),
                    "http://127.0.0.1:%d" % public_port, args.database,
                    str(server.pid)], check=True, stdout=subprocess.DEVNULL)
    return server, proxy


def stop(server, proxy):
    for process in (proxy, server):
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- the storms ----------------------------------------------------------------

def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100.0
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


class Tally(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.errors, self.kinds = [], [], {}

    def add(self, kind, latency, error=None):
        with self.lock:
            if error:
                self.errors.append("%s: %s" % (kind, error))
            else:
                self.latencies.append(latency)
                self.kinds[kind] = self.kinds.get(kind, 0) + 1


def address_of(args, login):
    """The loopback address of the visitor's school (a NAT of its own)."""
    n = sum(login.encode()) % args.addresses
    return "127.0.1.%d" % (1 + n)


def timed(func, *func_args):
    began = time.perf_counter()
    try:
        func(*func_args)
        return time.perf_counter() - began, None
    except (StormError, OSError, http.client.HTTPException) as error:
        return time.perf_counter() - began, error


def saturated(args, port, visitors, clients, warmup, duration, cpu,
              password_of=signin_password):
    """``clients`` visitors back to back for ``warmup`` + ``duration``
    seconds; returns (sign-ins/s over the measured part, tally with the
    site's CPU seconds over that part)."""
    tally = Tally()
    cycle = itertools.cycle(visitors)
    lock = threading.Lock()
    began = time.perf_counter()
    start, end = began + warmup, began + warmup + duration

    def client():
        while True:
            now = time.perf_counter()
            if now >= end:
                return
            with lock:
                kind, login = next(cycle)
            seconds, error = timed(sign_in, port, address_of(args, login), kind,
                                   login, password_of(login))
            done = time.perf_counter()
            if start <= done < end:
                tally.add(kind, seconds, error)
            elif error:
                tally.add(kind, seconds, error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start - time.perf_counter()))
    cpu_before, client_before = cpu.snapshot(), time.process_time()
    time.sleep(max(0.0, end - time.perf_counter()))
    cpu_after, client_after = cpu.snapshot(), time.process_time()
    for thread in threads:
        thread.join()
    tally.cpu = ServerCpu.used(cpu_before, cpu_after)
    tally.client_cpu = client_after - client_before
    return len(tally.latencies) / duration, tally


def paced(args, port, visitors, rate, duration, seed=19,
          password_of=signin_password):
    """Poisson arrivals at ``rate``/s for ``duration`` s; each latency from
    the arrival (a visitor waiting for a free worker waits)."""
    tally = Tally()
    rand = random.Random(seed)
    cycle = itertools.cycle(visitors)

    def visit(kind, login, arrival):
        _seconds, error = timed(sign_in, port, address_of(args, login), kind,
                                login, password_of(login))
        tally.add(kind, time.perf_counter() - arrival, error)

    with ThreadPoolExecutor(max_workers=256) as executor:
        began = time.perf_counter()
        arrival = began
        while arrival < began + duration:
            arrival += rand.expovariate(rate)
            delay = arrival - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            kind, login = next(cycle)
            executor.submit(visit, kind, login, arrival)
    return tally


def each_letter(letters, clients, visit):
    """``clients`` browsers at once, each taking the next letter and
    running ``visit(login, provisional)`` until none is left; (seconds,
    tally)."""
    tally = Tally()
    queue = iter(letters)
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                letter = next(queue, None)
            if letter is None:
                return
            seconds, error = visit(*letter)
            tally.add("pupil", seconds, error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, tally


def activation_storm(args, port, letters, cpu):
    before = cpu.snapshot()
    seconds, tally = each_letter(
        letters, args.activation_clients,
        lambda login, provisional: timed(activate, port, address_of(args, login),
                                         login, provisional, chosen_password(login)))
    tally.cpu = ServerCpu.used(before, cpu.snapshot())
    return seconds, tally


def signed_in_afterwards(args, port, letters):
    """Every pupil of the letters signs in with the password chosen."""
    return each_letter(
        letters, args.clients,
        lambda login, _provisional: timed(sign_in, port, address_of(args, login),
                                          "pupil", login, chosen_password(login)))


def activation_checks(args, letters):
    """SQL: every letter's account activated with one portal user, no
    login twice among the users, and what the throttling recorded."""
    import odoo
    logins = [login for login, _p in letters]
    with odoo.registry(args.database).cursor() as cr:
        cr.execute("""SELECT count(*), count(DISTINCT s.user_id),
                             count(*) FILTER (WHERE s.state = 'activated')
                        FROM educonnect_student s WHERE s.login = ANY(%s)""",
                   [logins])
        accounts, users, activated = cr.fetchone()
        cr.execute("SELECT count(*) FROM res_users WHERE lower(login) = ANY(%s)",
                   [[l.lower() for l in logins]])
        users_by_login = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM (SELECT lower(login) FROM res_users "
                   "GROUP BY 1 HAVING count(*) > 1) d")
        duplicate_logins = cr.fetchone()[0]
        cr.execute("""SELECT count(*) FROM educonnect_student s
                        JOIN res_users u ON u.id = s.user_id
                       WHERE s.login = ANY(%s) AND u.login <> s.login""", [logins])
        mismatched = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM educonnect_auth_throttle")
        throttle_rows = cr.fetchone()[0]
    return {"accounts": accounts, "activated": activated, "distinct users": users,
            "users with these logins": users_by_login,
            "logins held by two users": duplicate_logins,
            "user login ≠ account login": mismatched,
            "throttling counters": throttle_rows}


def errors_text(tally):
    if not tally.errors:
        return "0"
    shown = sorted(set(tally.errors))[:3]
    return "%d (%s)" % (len(tally.errors), "; ".join(shown))


def print_signin_rows(args, results, floor_figures):
    """The Markdown rows of the saturated and paced sign-in storms."""
    rate, tally = results["saturated"]
    floor, per_hash = floor_figures
    done = len(tally.latencies)
    per_op = tally.cpu / done if done else float("nan")
    print("| Sign-in, saturated (%d browsers, %.0f s) | %.1f sign-ins/s (%s) "
          "| %.1f hashes/s (1 hash each) | **%.0f %%** | %.0f ms (%.0f %%; "
          "the clients: %.0f ms) | %.0f / %.0f ms | %s |" % (
              args.clients, args.duration, rate,
              ", ".join("%s %d" % (k, tally.kinds.get(k, 0)) for k in KINDS),
              floor, 100 * rate / floor, 1000 * per_op,
              100 * per_hash / per_op, 1000 * tally.client_cpu / max(done, 1),
              1000 * percentile(tally.latencies, 50),
              1000 * percentile(tally.latencies, 95), errors_text(tally)))
    rate, tally = results["paced"]
    print("| Sign-in, paced at half (Poisson, %.2f/s, %.0f s) | %d sign-ins | "
          "| | | **%.0f / %.0f ms** (max %.0f) | %s |" % (
              rate, args.duration, len(tally.latencies),
              1000 * percentile(tally.latencies, 50),
              1000 * percentile(tally.latencies, 95),
              1000 * max(tally.latencies or [0]), errors_text(tally)))


def print_activation_rows(args, results, floor_figures, letters):
    """The Markdown rows of the activation storm and of the sign-ins that
    follow it, then the SQL checks."""
    floor, per_hash = floor_figures
    seconds, tally = results["activation"]
    done = len(tally.latencies)
    rate = done / seconds
    per_op = tally.cpu / done if done else float("nan")
    print("| Activation, %d browsers, %d letters | %.2f activations/s "
          "(%.0f s) | %.1f hashes/s (2 hashes each: %.1f/s) | **%.0f %%** "
          "| %.0f ms (%.0f %%) | %.0f / %.0f ms | %s |" % (
              args.activation_clients, letters, rate, seconds, floor,
              floor / 2, 100 * rate / (floor / 2), 1000 * per_op,
              100 * 2 * per_hash / per_op,
              1000 * percentile(tally.latencies, 50),
              1000 * percentile(tally.latencies, 95), errors_text(tally)))
    seconds, tally = results["afterwards"]
    print("| Sign-in afterwards, every activated pupil (%d browsers) | %d of %d "
          "in %.0f s (%.2f/s) | | | | %.0f / %.0f ms | %s |" % (
              args.clients, len(tally.latencies), letters, seconds,
              len(tally.latencies) / seconds,
              1000 * percentile(tally.latencies, 50),
              1000 * percentile(tally.latencies, 95), errors_text(tally)))
    print("\nAfter the activation storm (SQL): %s" % ", ".join(
        "%s %s" % (k, v) for k, v in results["checks"].items()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--workers", type=int, default=4,
                        help="Odoo's HTTP workers (plus the cron worker)")
    parser.add_argument("--pupils", type=int, default=1000,
                        help="activated pupils signing in")
    parser.add_argument("--signin-guardians", type=int, default=500,
                        help="activated guardians signing in")
    parser.add_argument("--guardians", type=int, default=4000,
                        help="guardians of the establishment")
    parser.add_argument("--staff", type=int, default=30)
    parser.add_argument("--activations", type=int, default=1000,
                        help="pupils activating from their letters")
    parser.add_argument("--activation-clients", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16,
                        help="concurrent browsers of the saturated storm")
    parser.add_argument("--addresses", type=int, default=40,
                        help="client addresses (schools behind their NAT)")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=40.0)
    parser.add_argument("--floor-seconds", type=float, default=8.0)
    parser.add_argument("--skip", choices=["signin", "activation"], action="append",
                        default=[])
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import odoo
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    odoo_port = odoo.tools.config["http_port"]
    public_port = odoo_port + 5
    processes = os.cpu_count()
    pool = multiprocessing.get_context("spawn").Pool(processes)
    started = time.time()
    visitors, letters, hashing = prepare(args, pool, "http://127.0.0.1:%d" % public_port)
    setup = time.time() - started
    random.Random(7).shuffle(visitors)
    random.Random(8).shuffle(letters)
    from bench_signin_timing import machine
    figures = {"before": hash_floor(pool, processes, args.floor_seconds)}
    server, proxy = serve(args, odoo_port, public_port, "bench-storm-odoo.log")
    cpu = ServerCpu(args.database, server.pid, proxy.pid)
    results = {}
    try:
        if "signin" not in args.skip:
            figures["signin"] = hash_floor(pool, processes, args.floor_seconds)
            results["saturated"] = saturated(args, public_port, visitors, args.clients,
                                             args.warmup, args.duration, cpu)
            rate = results["saturated"][0]
            results["paced"] = (rate / 2, paced(args, public_port, visitors,
                                                rate / 2, args.duration))
        if "activation" not in args.skip:
            figures["activation"] = hash_floor(pool, processes, args.floor_seconds)
            results["activation"] = activation_storm(args, public_port, letters, cpu)
            results["checks"] = activation_checks(args, letters)
            results["afterwards"] = signed_in_afterwards(args, public_port, letters)
    finally:
        stop(server, proxy)
        pool.close()
    print("\n%s; %s UTC; Odoo with %d HTTP workers, the cron worker and the job "
          "runner behind nginx (proxy mode), 127.0.0.1:%d; one establishment: "
          "%d pupils, %d guardians, %d staff; visitors from %d addresses; "
          "setup %.0f s (of which %.0f s hashing %d passwords on %d processes)\n" % (
              machine(), datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
              args.workers, public_port, args.pupils + args.activations,
              args.guardians, args.staff, args.addresses, setup, hashing,
              len(visitors), processes))
    print("Floor: Odoo's pbkdf2-sha512 (%d rounds, passlib), %d processes "
          "verifying: %s hashes/s, %s ms of CPU per hash (before serving; at "
          "the sign-in storm; at the activation storm)\n" % (
              rounds(), processes,
              " ; ".join("%.1f" % figures[k][0] for k in (
                  "before", "signin", "activation") if k in figures),
              " ; ".join("%.0f" % (1000 * figures[k][1]) for k in (
                  "before", "signin", "activation") if k in figures)))
    print("| storm | figure | floor (same run) | ratio | site CPU per operation "
          "(hash share) | latency p50 / p95 | errors |")
    print("|---|---|---|---|---|---|---|")
    if "saturated" in results:
        print_signin_rows(args, results, figures["signin"])
    if "activation" in results:
        print_activation_rows(args, results, figures["activation"], len(letters))

if __name__ == "__main__":
    main()
