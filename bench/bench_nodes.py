"""Two application nodes behind nginx, one killed (issue 19; bounded,
loopback only).

Generates E establishments of 2,000 pupils and 4,000 guardians and one staff
user per session (``bench_load.prepare``), then serves the database as
``bin/demo --nodes 2`` does (``node_configs`` in ``bin/_lib.sh``): two Odoo
servers in multi-process mode (``--workers W``, a cron worker each) on the
one PostgreSQL and the one data_dir (filestore and sessions shared), nginx
balancing them round robin with passive health checks, the queue_job runner
on node 1 only, sending the jobs through the balancer (so chunks of a batch
run on both nodes).

The load is ``bench_load``'s: N staff sessions over JSON-RPC (searches,
lists) while a director notifies every pupil of their establishment (2,000
letters, a background batch through the job runner). In the middle of the
batch, every process of one node (master, HTTP workers, cron worker,
long-polling process, their wkhtmltopdf) is killed with SIGKILL:

- ``--victim other`` (default): node 2, which has no runner, at a moment
  when it performs a chunk of the batch (the runner's last dispatch went to
  it and the job is « started »): the hardest case for the batch, which
  must not lose nor repeat that chunk;
- ``--victim runner``: node 1, with the job runner (the batch waits for it).

``--down`` seconds later the node is started again. Then the bench proves,
from the database, nginx's access log and what each session saw:

- the staff sessions went on on the other node with their session cookie
  (never signed in again; the session file is on the shared data_dir);
- the failed requests are no more than those under way on the killed node
  when it died (nginx's log: start = end - duration, per node);
- the batch is done, every pupil notified once: 2,000 pupils « notified »,
  one notification trace each, every chunk done once, the PDF of 2,000 pages
  (pdfinfo) with each pupil's identifiant on exactly one (pdftotext);
- the restarted node takes traffic again (requests served by it after).

Prints the timeline and the figures as Markdown.
"""
import argparse
import base64
import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time

import requests

import odoo
from odoo import SUPERUSER_ID, api

from bench_load import Load, prepare
from bench_served import Client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_LINE = re.compile(
    r'^\S+ \[[^\]]+\] "(?P<method>\S+) (?P<uri>\S+) [^"]*" (?P<status>\d+) \d+ '
    r'(?P<duration>[\d.]+) node=(?P<node>\S*(?:, \S+)*) end=(?P<end>[\d.]+)$')


class Node(object):
    """One application node: an Odoo server in its own process group."""

    def __init__(self, number, config, port, args):
        self.number, self.config, self.port, self.args = \
            number, config, port, args
        self.process = None
        self.log = os.path.join(os.path.dirname(config),
                                "bench-node%d.log" % number)
        self.address = "127.0.0.1:%d" % port

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "bin", "odoo-bin"),
             "-c", self.config, "-d", self.args.database,
             "--workers", str(self.args.workers), "--max-cron-threads", "1",
             "--limit-time-real", "600", "--limit-time-cpu", "300",
             "--log-level", "info", "--logfile", self.log,
             # « <Job uuid, …> started »: which node performs which job.
             "--log-handler", "odoo.addons.queue_job.controllers.main:DEBUG"],
            start_new_session=True, env=dict(os.environ, PGAPPNAME=self.name))

    @property
    def name(self):
        """Its connections' application_name in PostgreSQL (as bin/demo)."""
        return "educonnect-node%d" % self.number

    def answers(self):
        try:
            return requests.get("http://%s/web/login" % self.address,
                                timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def wait_up(self, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("node %d stopped (%s)" % (self.number, self.log))
            if self.answers():
                return time.time()
            time.sleep(0.5)
        raise SystemExit("node %d did not answer (%s)" % (self.number, self.log))

    def kill(self):
        """SIGKILL to every process of the node (its process group); returns
        once they are all gone (dying takes a moment: until then, a
        connection to the node may still be accepted)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(60)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(60)


def access_log(path):
    """nginx's access log: (start, end, method, uri, status, nodes)."""
    entries = []
    with open(path) as handle:
        for line in handle:
            match = LOG_LINE.match(line.strip())
            if match:
                end = float(match.group("end"))
                entries.append((end - float(match.group("duration")), end,
                                match.group("method"), match.group("uri"),
                                int(match.group("status")),
                                match.group("node").split(", ")))
    return entries


def sql(database, query, params=None):
    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall()


class NodesLoad(Load):
    """bench_load's staff sessions and notifier, with a journal of every
    call, the sessions' cookies, and the node killed in the middle."""

    def __init__(self, args, base, start, nodes, log):
        super().__init__(args, base, start)
        self.nodes, self.access_log = nodes, log
        self.victim = nodes[0] if args.victim == "runner" else nodes[1]
        self.survivors = [n for n in nodes if n is not self.victim]
        self.journal = []
        self.clients = []
        self.events = collections.OrderedDict()
        self.killed_job = None
        self.requeue_seen = False
        self.killer_done = threading.Event()
        self.timed_errors = []

    def client(self):
        client = Client(self.base, self.args.database, journal=self.journal)
        with self.lock:
            self.clients.append(client)
        return client

    def error(self, message):
        with self.lock:
            self.timed_errors.append((time.time(), message))
        super().error(message)

    def event(self, name, when=None):
        self.events.setdefault(name, when or time.time())

    def sessions_still_signed_in(self):
        """Each session, with the cookie it got at its one sign-in, asks
        who it is: how many are still signed in."""
        valid = 0
        for client in list(self.clients):
            try:
                info = client.call("/web/session/get_session_info", {})
                valid += bool(info.get("uid")) and client.session_id == \
                    client.http.cookies.get("session_id") == info["session_id"]
            except Exception:  # noqa: BLE001 - not signed in any more
                pass
        return valid

    def run(self, logins):
        killer = threading.Thread(target=self.killer)
        killer.start()
        super().run(logins)
        killer.join()

    def before_stop(self):
        # The sessions go on until the node is back and has served some.
        self.killer_done.wait(self.args.duration)
        super().before_stop()
        self.event("load stopped")

    # -- the kill --------------------------------------------------------------

    def batch_row(self):
        rows = sql(self.args.database,
                   "SELECT id, state, coalesce(done_chunk_count, 0), chunk_count, job_uuid "
                   "FROM educonnect_batch ORDER BY id DESC LIMIT 1")
        return rows[0] if rows else None

    def started_job(self):
        rows = sql(self.args.database,
                   "SELECT uuid FROM queue_job WHERE state = 'started' "
                   "AND model_name = 'educonnect.batch'")
        return rows[0][0] if rows else None

    def performs(self, node, uuid):
        """Whether ``node`` started performing job ``uuid`` (its log)."""
        with open(node.log, errors="replace") as handle:
            return any("<Job %s," % uuid in line and line.rstrip().endswith(
                "started") for line in handle)

    def requeued_by(self):
        """The node whose watchdog put the killed job back in the queue."""
        for node in self.nodes:
            with open(node.log, errors="replace") as handle:
                if any(self.killed_job in line and "put back in the queue" in line
                       for line in handle):
                    return node.number
        return None

    def killer(self):
        try:
            self._kill_and_restart()
        except Exception as exc:  # noqa: BLE001 - reported
            self.error("killer: %s" % exc)
        finally:
            self.killer_done.set()

    def _kill_and_restart(self):
        deadline = time.time() + self.args.duration
        batch = None
        while time.time() < deadline and not self.done.is_set():
            batch = self.batch_row()
            if batch and "batch queued" not in self.events:
                self.event("batch queued")
            if batch and batch[2] >= batch[3] * self.args.kill_at:
                break
            time.sleep(0.2)
        if not batch or batch[1] == "done":
            raise RuntimeError("the batch ended before the kill")
        # A chunk under way on the victim (one of its workers started the
        # job, which is still « started »), if it comes within 120 s.
        wait_until = time.time() + 120
        while time.time() < wait_until:
            job = self.started_job()
            if job and self.performs(self.victim, job):
                self.killed_job = job
                break
            time.sleep(0.1)
        self.kill_at = time.time()
        self.victim.kill()
        self.killed_at = time.time()
        self.chunks_at_kill = self.batch_row()[2]
        self.event("node %d killed (SIGKILL)%s" % (
            self.victim.number, ", its worker processing chunk %d of the batch"
            % (self.chunks_at_kill + 1) if self.killed_job else
            " (no chunk under way on it within 120 s)"), self.kill_at)
        self.event("its last process gone", self.killed_at)
        self.in_flight_client = [list(e) for e in self.journal
                                 if e[0] <= self.killed_at
                                 and (e[1] is None or e[1] > self.kill_at)]
        # The batch goes on: a chunk committed after the kill.
        self.watch_job_and_progress(time.time() + self.args.down)
        self.victim.start()
        self.event("node %d started again" % self.victim.number)
        self.event("node %d answers" % self.victim.number, self.victim.wait_up())
        # nginx tries it again after fail_timeout: requests served by it.
        until = time.time() + 120
        while time.time() < until:
            served = [e for e in access_log(self.access_log)
                      if e[0] > self.events["node %d answers" % self.victim.number]
                      and e[5][-1] == self.victim.address and e[4] < 500]
            if len(served) >= 10:
                self.event("node %d serves requests again (first of them "
                           "ended)" % self.victim.number,
                           min(e[1] for e in served))
                break
            time.sleep(0.5)
        # Until the batch is done, the job watched.
        self.watch_job_and_progress(time.time() + self.args.duration)

    def watch_job_and_progress(self, until):
        while time.time() < until:
            batch = self.batch_row()
            if self.killed_job and not self.requeue_seen:
                # The watchdog counts the interruption as it requeues the
                # job (which another worker may start at once).
                if sql(self.args.database, "SELECT coalesce(interruption_count, 0) "
                       "FROM educonnect_batch WHERE id = %s", [batch[0]])[0][0]:
                    self.requeue_seen = True
                    self.event("killed job put back in the queue (by node "
                               "%s's watchdog)" % self.requeued_by())
            if batch[2] > self.chunks_at_kill and \
                    "first chunk committed after the kill" not in self.events:
                self.event("first chunk committed after the kill")
            if batch[1] in ("done", "failed"):
                self.event("batch %s" % batch[1])
                return
            time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--establishments", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2,
                        help="HTTP workers of each node")
    parser.add_argument("--victim", choices=("other", "runner"), default="other",
                        help="the node killed: node 2 (no runner) or node 1 "
                             "(the job runner)")
    parser.add_argument("--kill-at", type=float, default=0.3,
                        help="kill once this share of the chunks is done")
    parser.add_argument("--down", type=int, default=20,
                        help="seconds the killed node stays down")
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--min-duration", type=int, default=30)
    parser.add_argument("--duration", type=int, default=900)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    public = odoo.tools.config["http_port"]
    start = time.time()
    logins = prepare(args)
    generation = time.time() - start
    # The nodes' and nginx's configurations, as bin/demo --nodes writes them.
    configs = subprocess.run(
        ["bash", "-c", 'source "$1/bin/_lib.sh" && node_configs bench "$2" "$3" 2',
         "_", ROOT, args.database, str(public)],
        check=True, stdout=subprocess.PIPE).stdout.decode().split()
    nodes = [Node(n + 1, config, public + 10 * (n + 1), args)
             for n, config in enumerate(configs)]
    nginx_dir = os.path.join(ROOT, "var", "nginx-bench")
    log = os.path.join(nginx_dir, "access.log")
    for path in [log] + [node.log for node in nodes]:
        if os.path.exists(path):
            os.remove(path)
    nginx = subprocess.Popen(["nginx", "-p", nginx_dir, "-c",
                              os.path.join(nginx_dir, "nginx.conf")])
    try:
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_up()
        load = NodesLoad(args, "http://127.0.0.1:%d" % public, start, nodes, log)
        load.run(logins)
        load.still_signed_in = load.sessions_still_signed_in()
    finally:
        for node in nodes:
            node.stop()
        nginx.terminate()
        nginx.wait(30)
    print("\n%d establishments of 2,000 pupils and 4,000 guardians (generated in "
          "%.0f s); 2 Odoo nodes of %d HTTP workers and a cron worker each behind "
          "nginx on 127.0.0.1:%d, the job runner on node 1; %d staff sessions, "
          "pause %.1f s on average\n" % (
              args.establishments, generation, args.workers, public,
              args.sessions, args.think))
    ok = report(load, args)
    sys.exit(0 if ok else 1)


def report(load, args):
    """The timeline, then each proof; True when all hold."""
    t0 = load.load_start
    entries = access_log(load.access_log)
    # The node dies between the signal and the end of its last process:
    # « under way when it was killed » is under way at some time between.
    victim, kill_at, killed_at = load.victim.address, load.kill_at, load.killed_at
    errors = sorted(load.timed_errors)
    after = [e for e in errors if e[0] >= kill_at]
    if after:
        load.event("first failed request (ended)", after[0][0])
        load.event("last failed request (ended)", after[-1][0])
    ok_after = [e for e in load.journal if e[0] > killed_at and e[3] is None]
    if ok_after:
        load.event("first request started after the kill, answered",
                   min(e[1] for e in ok_after))
    print("| t (s) | event |")
    print("|---|---|")
    print("| 0.0 | load starts: %d sessions searching, the notification of "
          "2,000 pupils confirmed |" % args.sessions)
    for name, when in sorted(load.events.items(), key=lambda kv: kv[1]):
        print("| %.1f | %s |" % (when - t0, name))
    checks = []

    # Requests under way on each node when the victim died (nginx's log).
    under_way = collections.Counter()
    for began, ended, _m, uri, status, upstreams in entries:
        if began <= killed_at and ended > kill_at:
            under_way[upstreams[0]] += 1
    failed_log = [e for e in entries if e[1] >= kill_at and e[4] >= 500]
    print("\nWhen node %d was killed (its processes gone %.0f ms after the "
          "signal): requests under way per node (nginx's "
          "log, staff and runner): %s; in the sessions' own journal: %d. "
          "Answers ≥ 500 after the kill in nginx's log: %d (%s)." % (
              load.victim.number, (killed_at - kill_at) * 1000,
              ", ".join("%s: %d" % kv for kv in sorted(under_way.items()))
              or "none", len(load.in_flight_client), len(failed_log),
              ", ".join("%s %s %d via %s" % (e[2], e[3], e[4], ",".join(e[5]))
                        for e in failed_log) or "none"))
    staff_failed = [e for e in load.journal if e[3] is not None]
    checks.append((
        "failed requests (sessions) ≤ under way on the killed node",
        len(staff_failed) <= under_way[victim] and all(
            e[0] <= killed_at for e in staff_failed),
        "%d failed, %d were under way on node %d" % (
            len(staff_failed), under_way[victim], load.victim.number)))

    # Sessions: one sign-in each, the same cookie, still valid.
    valid = getattr(load, "still_signed_in", 0)
    sign_ins = sum(1 for e in load.journal if e[2] == "/web/session/authenticate")
    served_after = [e for e in load.journal
                    if e[0] > kill_at and e[3] is None
                    and e[2] not in ("/web/session/authenticate",
                                     "/web/session/get_session_info")]
    checks.append((
        "sessions went on without signing in again",
        sign_ins == len(load.clients) and valid == len(load.clients)
        and len(served_after) > 0,
        "%d sessions, %d sign-ins in all, %d requests answered after the kill, "
        "%d sessions still signed in at the end with the cookie of their "
        "sign-in" % (
            len(load.clients), sign_ins, len(served_after), valid)))

    # The restarted node took traffic.
    back = load.events.get("node %d answers" % load.victim.number)
    served_by_victim = [e for e in entries if back and e[0] > back
                        and e[5][-1] == victim and e[4] < 500]
    checks.append(("the restarted node serves requests", len(served_by_victim) > 0,
                   "%d requests served by node %d after its restart" % (
                       len(served_by_victim), load.victim.number)))

    # The batch: every pupil once.
    checks.extend(batch_checks(load))
    print("\n| proof | holds | figures |")
    print("|---|---|---|")
    for name, holds, figures in checks:
        print("| %s | %s | %s |" % (name, "yes" if holds else "**NO**", figures))
    if load.searches:
        from bench_load import percentile
        print("\nSearches over the whole run: %d, median %.0f ms, p95 %.0f ms; "
              "lists: %d, median %.0f ms, p95 %.0f ms." % (
                  len(load.searches),
                  sorted(load.searches)[len(load.searches) // 2] * 1000,
                  percentile(load.searches, 95) * 1000, len(load.lists),
                  sorted(load.lists)[len(load.lists) // 2] * 1000 if load.lists else 0,
                  percentile(load.lists, 95) * 1000))
    for when, message in errors[:20]:
        print("ERROR at %.1f s: %s" % (when - t0, message[:200]))
    return all(holds for _n, holds, _f in checks)


def batch_checks(load):
    batch_id = load.batch.get("id")
    if not batch_id:
        return [("the batch", False, "never confirmed")]
    with api.Environment.manage(), \
            odoo.registry(load.args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        batch = env["educonnect.batch"].browse(batch_id)
        company = batch.company_id
        pupils = env["educonnect.student"].search([("company_id", "=", company.id)])
        notified = pupils.filtered(lambda p: p.state == "notified")
        cr.execute("""
            SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1)
              FROM (SELECT r.student_id, count(*) AS n
                      FROM educonnect_trace_student_rel r
                      JOIN educonnect_account_trace t ON t.id = r.trace_id
                     WHERE t.action = 'notify' AND r.student_id = ANY(%s)
                  GROUP BY r.student_id) per_pupil""", [pupils.ids])
        once, twice = cr.fetchone()
        chunks = batch.chunk_ids
        pages, logins_once, logins = 0, 0, pupils.mapped("login")
        if batch.attachment_id:
            pdf = base64.b64decode(batch.attachment_id.datas)
            info = subprocess.run(["pdfinfo", "-"], input=pdf,
                                  stdout=subprocess.PIPE, check=True).stdout.decode()
            pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf,
                                  stdout=subprocess.PIPE, check=True).stdout.decode()
            words = collections.Counter(re.findall(r"[\w.]+", text))
            logins_once = sum(1 for login in logins if words[login] == 1)
        return [
            ("the batch is done, each chunk once",
             batch.state == "done" and batch.done_chunk_count == batch.chunk_count
             == len(chunks) and set(chunks.mapped("state")) == {"done"}
             and batch.done_count == batch.total_count == len(pupils),
             "state %s, %d/%d chunks, %d/%d rows, %d interruption(s) put back "
             "in the queue" % (batch.state, batch.done_chunk_count,
                               batch.chunk_count, batch.done_count,
                               batch.total_count, batch.interruption_count)),
            ("every pupil notified exactly once",
             len(notified) == len(pupils) == batch.letter_count
             and once == len(pupils) and not twice,
             "%d pupils, %d « notified », %d letters counted, %d with one "
             "notification trace, %d with more" % (
                 len(pupils), len(notified), batch.letter_count, once, twice)),
            ("the PDF holds one page per pupil, each identifiant once",
             pages == len(pupils) and logins_once == len(pupils),
             "%d pages (pdfinfo), %d of %d identifiants found exactly once "
             "(pdftotext)" % (pages, logins_once, len(pupils))),
        ]


if __name__ == "__main__":
    main()
