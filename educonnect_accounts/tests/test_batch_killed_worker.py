"""A background batch run by a real served Odoo and its queue_job runner,
whose worker is killed (SIGKILL) in the middle of the batch, then started
again: the chunks committed before the kill stay done, the batch finishes,
and no account is processed twice (with a password reset, an account
processed twice would print a letter whose password no longer works).

It runs in a database of its own, a copy of the test template, served by an
Odoo subprocess (threaded, with the job runner, no cron): nothing of it is
left in the test database, and the runner sees no other database.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest
from contextlib import closing

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests.common import get_db_name
from odoo.tools import config

from .common import pdf_pages

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
PUPILS = 24
CHUNK = 4


def free_port():
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres(statement):
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.autocommit(True)
        cr.execute(statement)
        return cr.fetchall() if cr.description else None


class TestBatchKilledWorker(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        test_db = get_db_name()
        templates = postgres(
            "SELECT datname FROM pg_database WHERE datname LIKE '%s\\_tpl\\_%%' "
            "ORDER BY oid DESC" % test_db)
        if not templates:
            raise unittest.SkipTest("no template database of %s" % test_db)
        cls.db = "%s_killed_worker" % test_db
        postgres('DROP DATABASE IF EXISTS "%s"' % cls.db)
        postgres('CREATE DATABASE "%s" TEMPLATE "%s"' % (cls.db, templates[0][0]))
        source = config.filestore(templates[0][0])
        if os.path.isdir(source):
            shutil.copytree(source, config.filestore(cls.db))
        cls.port = free_port()
        cls.log = os.path.join(ROOT, "var", "test-killed-worker-odoo.log")
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        cls.stop_server(signal.SIGKILL)
        odoo.modules.registry.Registry.delete(cls.db)
        odoo.sql_db.close_db(cls.db)
        postgres('DROP DATABASE IF EXISTS "%s"' % cls.db)
        shutil.rmtree(config.filestore(cls.db), ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # A test that fails half-way leaves no server behind for the next.
        self.addCleanup(self.stop_server, signal.SIGKILL)

    # -- the served Odoo ---------------------------------------------------------

    @classmethod
    def start_server(cls):
        cls.server = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "bin", "odoo-bin"),
             "-c", config.rcfile, "-d", cls.db, "--db-filter", "^%s$" % cls.db,
             "--http-port", str(cls.port),
             "--longpolling-port", str(free_port()), "--workers", "0",
             "--max-cron-threads", "0", "--load", "web,queue_job",
             "--logfile", cls.log],
            start_new_session=True)

    @classmethod
    def stop_server(cls, sig=signal.SIGTERM):
        """SIGKILL: the worker dies at once, in the middle of what it does
        (with its wkhtmltopdf, same process group)."""
        if cls.server and cls.server.poll() is None:
            os.killpg(cls.server.pid, sig)
            cls.server.wait(60)
        cls.server = None

    def env(self):
        """A committed environment on the batch's database."""
        return odoo.registry(self.db).cursor()

    def batch_state(self):
        """(state, chunks done, chunks, jobs of the batch being performed)."""
        with self.env() as cr:
            cr.execute("SELECT state, coalesce(done_chunk_count, 0), chunk_count "
                       "FROM educonnect_batch WHERE id = %s", [self.batch_id])
            state = cr.fetchone()
            cr.execute("SELECT count(*) FROM queue_job WHERE state = 'started' "
                       "AND model_name = 'educonnect.batch'")
            return state + cr.fetchone()

    def batch_count(self):
        with self.env() as cr:
            cr.execute("SELECT count(*) FROM educonnect_batch")
            return cr.fetchone()[0]

    def wait_for(self, condition, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            state = self.batch_state()
            if condition(state):
                return state
            self.assertIsNone(self.server.poll(), "the served Odoo stopped "
                              "(%s)" % self.log)
            time.sleep(0.2)
        self.fail("%s: not within %d s, batch %r (%s)" % (
            what, timeout, self.batch_state(), self.log))

    # -- data --------------------------------------------------------------------

    def queue_batch(self):
        """An agent of the main establishment starts a (re)notification
        with a password reset of PUPILS pupils: CHUNK pupils per chunk
        (the tests share the database: each its own agent and pupils)."""
        tag = "%02d" % (self.batch_count() + 1)
        with odoo.api.Environment.manage(), self.env() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            Param = env["ir.config_parameter"]
            Param.set_param("educonnect_accounts.batch_threshold", "5")
            Param.set_param("educonnect_accounts.batch_chunk_size", str(CHUNK))
            company = env.ref("base.main_company")
            agent = env["res.users"].with_context(no_reset_password=True).create({
                "name": "kill.agent" + tag, "login": "kill.agent" + tag,
                "lang": "fr_FR",
                "company_id": company.id, "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [env.ref(
                    "educonnect_accounts.group_educonnect_manager").id])]})
            klass = env["educonnect.class"].create(
                {"name": "6 K" + tag, "company_id": company.id})
            pupils = env["educonnect.student"]
            for n in range(PUPILS):
                pupils |= pupils.create({
                    "last_name": "KILL%s %02d" % (tag, n), "first_name": "Élève",
                    "class_id": klass.id, "company_id": company.id})
            wizard = env(user=agent)["educonnect.notify.wizard"].with_context(
                active_model=pupils._name, active_ids=pupils.ids,
                active_domain=[("id", "in", pupils.ids)]).create(
                    {"reset_password": True})
            wizard.action_next()
            action = wizard.action_confirm()
            self.assertEqual(action["res_model"], "educonnect.batch")
            self.batch_id = action["res_id"]
            self.pupil_ids = pupils.ids

    # -- the test ------------------------------------------------------------------

    def test_a_worker_killed_mid_batch_leaves_its_committed_chunks_and_no_duplicate(self):
        self.queue_batch()
        chunks = PUPILS // CHUNK
        self.start_server()
        # Killed while it works on the third chunk or a later one.
        self.wait_for(lambda s: s[1] >= 2 and s[3], 300,
                      "two chunks committed and the next one under way")
        self.stop_server(signal.SIGKILL)
        state, done, total, started = self.batch_state()
        self.assertEqual(total, chunks)
        self.assertLess(done, chunks, "the batch ended before the kill: "
                                      "nothing was interrupted")
        self.assertEqual((state, started), ("running", 1),
                         "a chunk's job was killed while started")
        with self.env() as cr:
            # Each chunk committed whole, or not at all.
            cr.execute("SELECT count(*) FROM educonnect_student "
                       "WHERE id = ANY(%s) AND state = 'notified'",
                       [self.pupil_ids])
            self.assertEqual(cr.fetchone()[0], done * CHUNK)
            # What bin/demo does before starting: jobs a killed server left
            # started go back to the queue.
            cr.execute("UPDATE queue_job SET state = 'pending' "
                       "WHERE state IN ('started', 'enqueued')")
        self.start_server()
        self.wait_for(lambda s: s[0] in ("done", "failed"), 300,
                      "the batch finished after the restart")
        self.stop_server()
        self.assert_done_once_each(chunks)

    def watchdog(self):
        """The cron another node runs every minute, run now; what it
        returned (jobs put back in the queue), committed."""
        with odoo.api.Environment.manage(), self.env() as cr:
            return api.Environment(cr, SUPERUSER_ID, {})[
                "educonnect.batch"]._requeue_interrupted_jobs()

    def batch_locked(self):
        """The batch's row is locked now (by the job working on it)."""
        with self.env() as cr:
            cr.execute("SELECT id FROM educonnect_batch WHERE id = %s "
                       "FOR UPDATE SKIP LOCKED", [self.batch_id])
            free = cr.fetchone()
            cr.rollback()
            return not free

    def started_a_minute_ago(self, minutes=1):
        """Past the grace a job has to take its batch's lock (time passing
        without waiting for it); ``minutes=-1`` gives the time back."""
        with self.env() as cr:
            cr.execute("UPDATE queue_job SET date_started = date_started - "
                       "interval '1 minute' * %s WHERE state = 'started' "
                       "AND model_name = 'educonnect.batch'", [minutes])
            return cr.rowcount

    def test_a_node_killed_mid_batch_its_job_is_requeued_at_once_by_the_other(self):
        """Two application nodes: one is killed while its worker processes a
        chunk. The survivor's watchdog puts the job back in the queue within
        a minute (its batch's lock went with the dead connection), not after
        the 15-minute timeout, and leaves alone a job that a live worker
        performs (it holds the lock), however long it has been started."""
        self.queue_batch()
        chunks = PUPILS // CHUNK
        self.start_server()
        self.wait_for(lambda s: s[1] >= 1 and s[3], 300,
                      "a chunk committed and the next one under way")
        # A job reads « started » a moment before its worker takes the
        # batch's lock (the runner's request starting: the grace covers it).
        # Past the grace, with the lock held, the watchdog leaves it alone.
        checked = False
        for _attempt in range(200):
            shifted = self.started_a_minute_ago()
            if shifted and self.batch_locked():
                self.assertEqual(self.watchdog(), 0,
                                 "a job a live worker performs was requeued")
                checked = True
            if shifted:
                # Its real start again.
                self.started_a_minute_ago(-1)
            if checked:
                break
            time.sleep(0.05)
        self.assertTrue(checked, "no moment with a job started and its batch locked")
        self.wait_for(lambda s: s[1] >= 2 and s[3], 300,
                      "two chunks committed and the next one under way")
        self.stop_server(signal.SIGKILL)
        state, done, _total, started = self.batch_state()
        self.assertLess(done, chunks)
        self.assertEqual((state, started), ("running", 1))
        # Within the grace, the job may still be taking its lock: kept.
        self.assertEqual(self.watchdog(), 0)
        self.assertEqual(self.started_a_minute_ago(), 1)
        # PostgreSQL notices the dead connection (and frees the lock) a
        # moment after the kill.
        deadline = time.time() + 30
        while not self.watchdog():
            self.assertLess(time.time(), deadline, "the killed job was never "
                            "put back in the queue")
            time.sleep(0.5)
        self.assertEqual(self.batch_state()[3], 0)
        with self.env() as cr:
            cr.execute("SELECT interruption_count FROM educonnect_batch "
                       "WHERE id = %s", [self.batch_id])
            self.assertEqual(cr.fetchone()[0], 1)
        # The other node (no blanket requeue before it starts) finishes it.
        self.start_server()
        self.wait_for(lambda s: s[0] in ("done", "failed"), 300,
                      "the batch finished on the other node")
        self.stop_server()
        self.assert_done_once_each(chunks)

    def assert_done_once_each(self, chunks):
        import base64
        with odoo.api.Environment.manage(), self.env() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            batch = env["educonnect.batch"].browse(self.batch_id)
            self.assertEqual((batch.state, batch.done_count,
                              batch.done_chunk_count, batch.letter_count),
                             ("done", PUPILS, chunks, PUPILS))
            self.assertEqual(batch.chunk_ids.mapped("state"), ["done"] * chunks)
            pupils = env["educonnect.student"].browse(self.pupil_ids)
            self.assertEqual(set(pupils.mapped("state")), {"notified"})
            pages = pdf_pages(base64.b64decode(batch.attachment_id.datas))
            self.assertEqual(len(pages), PUPILS)
            for pupil in pupils:
                traces = env["educonnect.account.trace"].search([
                    ("action", "=", "notify"), ("student_ids", "in", pupil.ids)])
                self.assertEqual(len(traces), 1, pupil.name)
                self.assertEqual(sum(
                    pupil.login in page and pupil.provisional_password in page
                    for page in pages), 1, pupil.name)
