import base64
import csv
import io
from unittest.mock import patch

from odoo.addons.queue_job.job import Job
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import Cursor

from .common import AccountActionCase, pdf_pages


class Killed(Exception):
    """The worker died (SIGKILL, power cut) in the middle of a chunk."""


class TestBackgroundBatches(AccountActionCase):
    """Issue 8: actions over large selections run as background jobs, in
    chunks, each committed; progress; the file at the end; restarts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"].sudo()
        # 10 pupils with a threshold of 5: a batch of 3 chunks (4, 4, 2).
        Param.set_param("educonnect_accounts.batch_threshold", "5")
        Param.set_param("educonnect_accounts.batch_chunk_size", "4")
        names = ["ARNAUD", "BLANC", "CARON", "DUPONT", "ÉTIENNE", "FAURE",
                 "GARNIER", "HENRY", "IBERT", "JOLY"]
        cls.pupils = cls.env["educonnect.student"]
        for n, last in enumerate(names):
            cls.pupils |= cls.make_student(last, "Élève", cls.c61 if n % 2 else cls.c62)

    # -- what the job runner does ------------------------------------------

    def pending_jobs(self):
        return self.env["queue.job"].search([
            ("model_name", "=", "educonnect.batch"),
            ("state", "=", "pending")], order="id")

    def run_job(self, record, kill=False):
        """Perform one job as /queue_job/runjob does: started and stored,
        performed, done and stored. With ``kill``, the worker dies after the
        chunk's work and before its commit (its transaction is lost)."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        if kill:
            Batch = type(self.env["educonnect.batch"])
            original = Batch._process_chunk

            def dies_after_the_work(batch, chunk):
                original(batch, chunk)
                raise Killed()
            with self.assertRaises(Killed), self.env.cr.savepoint(), \
                    patch.object(Batch, "_process_chunk", dies_after_the_work):
                job.perform()
            self.env.cache.invalidate()
            return job
        job.perform()
        job.set_done()
        job.store()
        self.env.cache.invalidate()
        return job

    def run_jobs(self, count=None):
        done = 0
        while count is None or done < count:
            jobs = self.pending_jobs()
            if not jobs:
                break
            self.run_job(jobs[0])
            done += 1
        return done

    def run_job_failing(self, record, error):
        """Perform one job whose chunk raises ``error``, and record the
        failure as /queue_job/runjob does (in its own transaction)."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        Batch = type(self.env["educonnect.batch"])
        with self.assertRaises(type(error)), self.env.cr.savepoint(), \
                patch.object(Batch, "_process_chunk", side_effect=error):
            job.perform()
        self.env.cache.invalidate()
        job.set_failed(exc_info="Traceback (most recent call last):\n%r" % error)
        job.store()
        self.env.cache.invalidate()
        return job

    def started_long_ago(self, record):
        self.env.cr.execute(
            "UPDATE queue_job SET date_started = now() at time zone 'utc' "
            "- interval '1 hour' WHERE id = %s", [record.id])
        self.env.cache.invalidate()

    def messages_to_agent(self, batch):
        return self.env["mail.message"].search([
            ("model", "=", "educonnect.batch"), ("res_id", "=", batch.id),
            ("needaction_partner_ids", "in", self.agent.partner_id.ids)])

    def assert_each_pupil_processed_once(self, batch):
        """One trace and one letter per pupil, the letter with the password
        that works (processing an account twice would print a dead one)."""
        pages = pdf_pages(self.file_of(batch))
        self.assertEqual(len(pages), len(self.pupils))
        for pupil in self.pupils:
            self.assertEqual(len(self.notify_traces(pupil)), 1, pupil.name)
            self.assertEqual(
                sum(pupil.login in page and self.stored_password(pupil) in page
                    for page in pages), 1, pupil.name)

    def requeue_stuck_jobs(self):
        """What an administrator (or bin/demo before starting Odoo) does after
        a crash: started jobs are pending again."""
        self.env["queue.job"].search([("state", "in", ("started", "enqueued"))]) \
            .write({"state": "pending"})

    # -- helpers ---------------------------------------------------------------

    def start(self, model="educonnect.notify.wizard", records=None, **values):
        wizard = self.wizard(model, records or self.pupils, **values)
        if model == "educonnect.notify.wizard":
            wizard.action_next()
        action = wizard.action_confirm()
        self.assertEqual(action["res_model"], "educonnect.batch",
                         "a large selection must run in the background")
        return self.env["educonnect.batch"].sudo(self.agent).browse(action["res_id"])

    def file_of(self, batch):
        self.assertTrue(batch.attachment_id, "no file at the end of the batch")
        return base64.b64decode(batch.sudo().attachment_id.datas)

    def stored_password(self, account):
        return account.sudo().provisional_password

    def notify_traces(self, account):
        return self.env["educonnect.account.trace"].search([
            ("action", "=", "notify"), ("student_ids", "in", account.ids)])

    # -- tests -------------------------------------------------------------------

    def test_small_selection_is_processed_at_once_without_a_job(self):
        small = self.pupils[:5]
        wizard = self.wizard("educonnect.notify.wizard", small)
        wizard.action_next()
        wizard.action_confirm()
        self.assertEqual(wizard.step, "done")
        self.assertEqual(len(pdf_pages(self.attachment_content(wizard))), 5)
        self.assertFalse(self.pending_jobs())
        self.assertFalse(self.env["educonnect.batch"].search([]))

    def test_large_notify_is_cut_in_chunks_and_nothing_is_done_before_the_job(self):
        batch = self.start()
        self.assertEqual(batch.chunk_ids.mapped("record_count"), [4, 4, 2])
        self.assertEqual((batch.state, batch.progress, batch.total_count),
                         ("queued", 0.0, 10))
        self.assertEqual(set(self.pupils.mapped("state")), {"not_notified"})
        self.assertEqual(len(self.pending_jobs()), 1)

    def test_progress_follows_the_committed_chunks(self):
        batch = self.start()
        progress = []
        while self.pending_jobs():
            self.run_jobs(1)
            batch.invalidate_cache()
            progress.append((batch.state, batch.progress,
                             len(self.pupils.filtered(
                                 lambda p: p.state == "notified"))))
        self.assertEqual(progress, [("running", 40.0, 4), ("running", 80.0, 8),
                                    ("running", 100.0, 10), ("done", 100.0, 10)])

    def test_letters_of_a_batch_are_one_download_one_letter_per_account(self):
        batch = self.start()
        self.run_jobs()
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.letter_count, 10)
        self.assert_each_pupil_processed_once(batch)
        # The partial files of the chunks are gone, the download remains.
        files = self.env["ir.attachment"].sudo().search([
            ("res_model", "=", "educonnect.batch"), ("res_id", "=", batch.id)])
        self.assertEqual(files, batch.sudo().attachment_id)
        action = batch.action_download()
        self.assertIn("/web/content/%d" % batch.attachment_id.id, action["url"])

    def test_the_user_is_notified_when_the_batch_is_done(self):
        batch = self.start()
        self.run_jobs()
        messages = self.env["mail.message"].search([
            ("model", "=", "educonnect.batch"), ("res_id", "=", batch.id),
            ("needaction_partner_ids", "in", self.agent.partner_id.ids)])
        self.assertEqual(len(messages), 1)
        self.assertIn("10", messages.body)

    def test_killed_chunk_restarted_processes_no_account_twice_and_skips_none(self):
        # With a password reset, processing an account twice would print a
        # letter whose password no longer works.
        batch = self.start(reset_password=True)
        self.run_jobs(1)
        self.run_job(self.pending_jobs()[0], kill=True)
        batch.invalidate_cache()
        self.assertEqual((batch.done_count, batch.progress), (4, 40.0))
        self.assertFalse(self.pending_jobs(), "the killed job is stuck (started)")
        self.requeue_stuck_jobs()
        self.run_jobs()
        self.assertEqual(batch.state, "done")
        self.assert_each_pupil_processed_once(batch)

    def test_killed_between_chunks_restarts_at_the_next_chunk(self):
        batch = self.start()
        self.run_jobs(2)
        # The server stops here: the next job is pending, nothing is lost.
        self.assertEqual(batch.done_count, 8)
        self.requeue_stuck_jobs()
        self.run_jobs()
        self.assertEqual((batch.state, batch.done_count), ("done", 10))
        for pupil in self.pupils:
            self.assertEqual(len(self.notify_traces(pupil)), 1, pupil.name)

    def test_a_job_run_twice_never_processes_a_chunk_twice(self):
        batch = self.start(reset_password=True)
        first = self.pending_jobs()[0]
        self.run_job(first)
        # The same job performed again (e.g. requeued by hand after a crash
        # that happened after its commit): it only takes the next chunk.
        first.write({"state": "pending"})
        self.run_jobs()
        self.assertEqual((batch.state, batch.done_count), ("done", 10))
        self.assertEqual(batch.chunk_ids.mapped("state"), ["done"] * 3)
        self.assert_each_pupil_processed_once(batch)

    def test_secrets_are_never_in_job_records(self):
        batch = self.start(reset_password=True)
        self.run_jobs()
        list_batch = self.start("educonnect.list.wizard", list_format="csv")
        self.run_jobs()
        self.assertEqual(list_batch.state, "done")
        passwords = [self.stored_password(p) for p in self.pupils]
        self.assertEqual(len(passwords), 10)
        for password in passwords:
            self.assertEqual(len(password), 13)
        jobs = self.env["queue.job"].search([("model_name", "=", "educonnect.batch")])
        self.assertEqual(len(jobs), 2 * 4)
        for record in jobs:
            stored = " ".join(str(v) for v in (
                record.name, record.args, record.kwargs, record.record_ids,
                record.result, record.exc_info, record.func_string))
            for password in passwords:
                self.assertNotIn(password, stored)
        for b in batch | list_batch:
            visible = " ".join(str(v) for v in (
                b.name, b.options, b.result_message,
                b.message_ids.mapped("body"), b.chunk_ids.mapped("record_ids")))
            for password in passwords:
                self.assertNotIn(password, visible)

    def test_list_of_a_batch_is_the_list_made_at_once(self):
        batch = self.start("educonnect.list.wizard", list_format="csv")
        self.run_jobs()
        in_background = self.file_of(batch)
        self.env["ir.config_parameter"].sudo().set_param(
            "educonnect_accounts.batch_threshold", "1000")
        wizard = self.wizard("educonnect.list.wizard", self.pupils,
                             list_format="csv")
        wizard.action_confirm()
        self.assertEqual(in_background, self.attachment_content(wizard))
        rows = list(csv.reader(io.StringIO(in_background.decode("utf-8-sig")),
                               delimiter=";"))
        self.assertEqual(len(rows), 11)
        self.assertIn("liste", batch.attachment_id.name.lower())

    def test_list_of_a_batch_in_xlsx_and_pdf(self):
        import openpyxl
        xlsx = self.start("educonnect.list.wizard", list_format="xlsx")
        self.run_jobs()
        sheet = openpyxl.load_workbook(io.BytesIO(self.file_of(xlsx))).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(len(rows), 11)
        self.assertEqual(sorted(r[4] for r in rows[1:]),
                         sorted(self.pupils.mapped("login")))
        pdf = self.start("educonnect.list.wizard", list_format="pdf")
        self.run_jobs()
        text = "\n".join(pdf_pages(self.file_of(pdf)))
        for pupil in self.pupils:
            self.assertIn(pupil.login, text)

    def test_large_reset_gives_every_account_one_new_password(self):
        self.pupils._educonnect_notify()
        before = {p.id: self.stored_password(p) for p in self.pupils}
        batch = self.start("educonnect.reset.wizard")
        self.run_jobs()
        self.assertEqual(batch.state, "done")
        traces = self.env["educonnect.account.trace"].search([
            ("action", "=", "reset")])
        self.assertEqual(sorted(traces.mapped("student_ids").ids),
                         sorted(self.pupils.ids))
        self.assertEqual(sum(traces.mapped("account_count")), 10)
        for pupil in self.pupils:
            self.assertNotEqual(self.stored_password(pupil), before[pupil.id])
        # « Lister les comptes » from the finished batch: the new passwords.
        action = batch.action_list_accounts()
        self.assertEqual(action["res_model"], "educonnect.list.wizard")
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(self.pupils.ids))
        wizard = self.env["educonnect.list.wizard"].sudo(self.agent).with_context(
            action["context"]).create({"list_format": "csv"})
        self.assertEqual(len(wizard._accounts()), 10)

    def test_a_staff_member_without_email_gets_the_batch_and_the_message(self):
        self.assertFalse(self.agent.email)
        wizard = self.env["educonnect.notify.wizard"].sudo(self.agent).with_context(
            tracking_disable=False, active_model="educonnect.student",
            active_ids=self.pupils.ids, active_domain=[]).create({})
        action = wizard.action_confirm()
        batch = self.env["educonnect.batch"].browse(action["res_id"])
        self.run_jobs()
        self.assertEqual(batch.state, "done")
        self.assertIn(self.agent.partner_id,
                      batch.message_ids.mapped("needaction_partner_ids"))

    def test_a_batch_goes_on_in_its_establishment_after_the_user_switches(self):
        """The agent starts a batch in the collège, then chooses the lycée:
        the batch still processes the collège's pupils, and the agent's
        choice (the lycée) is left as it is."""
        self.agent.write({"company_ids": [(4, self.lycee.id)]})
        self.env["educonnect.delegation"].create({
            "user_id": self.agent.id, "company_id": self.lycee.id,
            "role": "manager"})
        batch = self.start()
        self.agent.write({"company_id": self.lycee.id})
        queries = []
        execute = Cursor.execute

        def spy(cr, query, *args, **kwargs):
            queries.append(str(query))
            return execute(cr, query, *args, **kwargs)
        with patch.object(Cursor, "execute", spy):
            self.run_jobs()
        batch.invalidate_cache()
        self.assertEqual((batch.state, batch.letter_count), ("done", 10))
        self.assertEqual(set(self.pupils.mapped("state")), {"notified"})
        self.assertEqual(self.pupils.mapped("write_uid"), self.agent)
        # Traced in the collège, where the accounts are.
        traces = self.env["educonnect.account.trace"].search([
            ("action", "=", "notify"), ("student_ids", "in", self.pupils.ids)])
        self.assertEqual(len(traces), 3)
        self.assertEqual(traces.mapped("company_id"), self.college)
        # The agent's choice is never written, not even for a moment.
        self.assertTrue(queries)
        self.assertFalse([q for q in queries if "update res_users" in q.lower()
                          and "company_id" in q.lower()])
        self.agent.invalidate_cache()
        self.assertEqual(self.agent.company_id, self.lycee)

    def test_a_list_batch_in_another_establishment_shows_its_establishment(self):
        self.agent.write({"company_ids": [(4, self.lycee.id)]})
        self.env["educonnect.delegation"].create({
            "user_id": self.agent.id, "company_id": self.lycee.id,
            "role": "manager"})
        batch = self.start("educonnect.list.wizard", list_format="pdf")
        self.agent.write({"company_id": self.lycee.id})
        self.run_jobs()
        batch.invalidate_cache()
        self.assertEqual(batch.state, "done")
        text = "\n".join(pdf_pages(self.file_of(batch)))
        self.assertIn(self.college.name, text)
        self.assertNotIn(self.lycee.name, text)
        for pupil in self.pupils:
            self.assertIn(pupil.login, text)
        trace = self.env["educonnect.account.trace"].search([
            ("action", "=", "list")])
        self.assertEqual(trace.company_id, self.college)

    def test_the_rules_see_another_establishment_only_if_the_user_holds_it(self):
        pupil_lycee = self.make_student("LYCEEN", "Louis", self.lycee_class)
        Student = self.env["educonnect.student"].sudo(self.agent)
        self.assertNotIn(pupil_lycee, Student.with_context(
            educonnect_company_id=self.lycee.id).search([]))
        self.assertEqual(Student.with_context(
            educonnect_company_id=self.lycee.id).search([]), Student.search([]))
        self.assertIn(self.pupils[0], Student.search([]))

    def test_a_batch_stops_where_its_user_lost_the_role_and_says_why(self):
        batch = self.start()
        self.run_jobs(1)
        # The director makes the agent a troubleshooting agent only: they
        # may no longer notify accounts (section 5).
        self.env["educonnect.delegation"].search([
            ("user_id", "=", self.agent.id)]).write({"role": "troubleshooter"})
        self.run_jobs()
        batch.invalidate_cache()
        self.assertEqual((batch.state, batch.done_count), ("failed", 4))
        self.assertIn("Arrêté après 4 compte(s) sur 10", batch.result_message)
        self.assertIn("test.agent", batch.result_message)
        # The chunk done stays done; nothing of the others was processed.
        self.assertEqual(len(self.pupils.filtered(
            lambda p: p.state == "notified")), 4)
        self.assertFalse(self.pending_jobs())
        self.assertIn(batch.result_message, self.messages_to_agent(batch)[0].body)
        # The role is still missing: the batch cannot be resumed.
        with self.assertRaises(AccessError):
            batch.action_resume()

    def test_an_unexpected_error_stops_the_batch_which_can_be_resumed(self):
        batch = self.start(reset_password=True)
        self.run_jobs(1)
        failing = self.pending_jobs()[0]
        self.run_job_failing(failing, RuntimeError("wkhtmltopdf crashed"))
        batch.invalidate_cache()
        self.assertEqual(failing.state, "failed")
        self.assertEqual((batch.state, batch.done_count), ("failed", 4))
        self.assertIn("erreur inattendue", batch.result_message)
        self.assertNotIn("wkhtmltopdf", batch.result_message,
                         "the traceback is for the administrator, on the job")
        self.assertIn("erreur inattendue", self.messages_to_agent(batch)[0].body)
        batch.action_resume()
        self.assertEqual(batch.state, "running")
        self.run_jobs()
        batch.invalidate_cache()
        self.assertEqual((batch.state, batch.done_count), ("done", 10))
        self.assert_each_pupil_processed_once(batch)

    def test_a_done_batch_cannot_be_resumed(self):
        batch = self.start()
        self.run_jobs()
        with self.assertRaises(UserError):
            batch.action_resume()

    def test_a_job_left_started_by_a_dead_worker_is_requeued_by_the_watchdog(self):
        batch = self.start(reset_password=True)
        self.run_jobs(1)
        killed = self.pending_jobs()[0]
        self.run_job(killed, kill=True)
        Batch = self.env["educonnect.batch"]
        # Started a minute ago: it may still be working.
        self.assertEqual(Batch._requeue_interrupted_jobs(), 0)
        self.assertEqual(killed.state, "started")
        self.started_long_ago(killed)
        self.assertEqual(Batch._requeue_interrupted_jobs(), 1)
        self.assertEqual(killed.state, "pending")
        self.assertEqual(batch.interruption_count, 1)
        self.run_jobs()
        batch.invalidate_cache()
        self.assertEqual((batch.state, batch.done_count), ("done", 10))
        self.assert_each_pupil_processed_once(batch)

    def test_a_batch_interrupted_three_times_fails_and_its_user_is_told(self):
        batch = self.start()
        self.run_jobs(1)
        Batch = self.env["educonnect.batch"]
        for _n in range(3):
            job = self.env["queue.job"].search([
                ("uuid", "=", batch.job_uuid)])
            self.assertEqual(job.state, "pending")
            self.run_job(job, kill=True)
            self.started_long_ago(job)
            Batch._requeue_interrupted_jobs()
        batch.invalidate_cache()
        self.assertEqual(job.state, "failed")
        self.assertEqual((batch.state, batch.interruption_count), ("failed", 3))
        self.assertIn("Arrêté après 4 compte(s) sur 10", batch.result_message)
        self.assertTrue(self.messages_to_agent(batch))
        self.assertEqual(len(self.pupils.filtered(
            lambda p: p.state == "notified")), 4)

    def test_a_batch_and_its_file_belong_to_the_staff_member_who_started_it(self):
        batch = self.start()
        self.run_jobs()
        other = self.env["educonnect.batch"].sudo(self.director)
        self.assertFalse(other.search([("id", "=", batch.id)]))
        self.assertFalse(self.env["ir.attachment"].sudo(self.director).search(
            [("id", "=", batch.attachment_id.id)]))
        traces = self.env["educonnect.account.trace"].search([
            ("action", "=", "notify")])
        self.assertEqual(traces.mapped("user_id"), self.agent)
