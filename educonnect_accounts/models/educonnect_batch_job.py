"""The jobs of the background batches (``educonnect_batch.py``).

Each job takes the batch's row lock, processes the *next pending chunk* and
marks it done in the same transaction, then queues the next job, so that:

- every chunk is committed on its own (and the user sees the progress);
- a job killed in the middle of a chunk leaves nothing of it (rolled back):
  once requeued it processes that chunk again, from the start;
- a job run twice, or two jobs of one batch, never process a chunk twice
  (the chunk's state is read under the lock) and never skip one (always the
  next pending chunk).

When a job cannot go on, the batch says so instead of waiting forever:

- a refusal (the staff member lost the role, an account no longer allowed…)
  ends the batch « Échoué » with its reason, and the staff member is told;
- an unexpected error fails the job (queue_job keeps the traceback for the
  administrator); the batch is « Échoué » too, and its owner may resume it
  (the chunks already done stay done);
- a job left « started » by a worker that died (killed at the time limit,
  out of memory, server stopped, a whole application node lost) is put back
  in the queue by a cron (every minute, on whichever node runs it): at once
  when its batch's row lock is free — a job holds it as long as it works on
  a chunk, and PostgreSQL frees it when the worker's connection dies — and
  in any case after ``batch_job_timeout`` minutes (15 by default); at most
  ``MAX_INTERRUPTIONS`` times, after which the batch fails. A job left
  « enqueued » by a job runner that died while handing it over is put back
  the same way.

Secrets: the jobs' arguments are the batch record only; the partial files
(letters PDF of a chunk, encrypted rows of a list) are attachments of the
batch, joined into the downloadable file at the end and then deleted; job
results are a sentence without any password.
"""
import base64
import json
import logging
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import (AccessError, MissingError, UserError,
                             ValidationError)

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import job

from ..reports.pdf import join_pdfs
from ..tools.crypto import decrypt_secret, encrypt_secret
from .educonnect_account_mixin import ACCOUNT_MODELS, ACTION_ROLES

_logger = logging.getLogger(__name__)

MAX_INTERRUPTIONS = 3
#: Seconds a job may be « started » (or « enqueued ») without holding its
#: batch's lock: queue_job commits « started » just before the job takes
#: the lock, milliseconds apart; after this, nobody works on it any more.
DEAD_JOB_GRACE = 30
#: Errors that are an answer to give the staff member, not a bug.
REFUSALS = (AccessError, MissingError, UserError, ValidationError)


class EduconnectBatchJob(models.Model):
    _inherit = "educonnect.batch"

    # -- jobs ----------------------------------------------------------------

    def _lock(self):
        """The batch's row lock: one job at a time works on a batch."""
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute("SELECT id FROM educonnect_batch WHERE id = %s "
                                    "FOR UPDATE NOWAIT", [self.id])
        except psycopg2.OperationalError:
            raise RetryableJobError(
                "Another job is processing this batch", seconds=10,
                ignore_retry=True)
        self.invalidate_cache()

    @job(default_channel="root")
    @api.multi
    def _job_process_next_chunk(self):
        """Process the next pending chunk, then queue the next job (or the
        end of the batch). Returns a sentence for the job's result."""
        self.ensure_one()
        # Messages and file names in the staff member's language, whatever
        # the context the job runner gives.
        # (Queued as the system: the job runs as the superuser.)
        self = self.with_context(lang=self.user_id.lang or "fr_FR")
        self._lock()
        try:
            with self.env.cr.savepoint():
                self._check_owner_may_go_on()
                if self.env.uid != self.user_id.id:
                    # The runner performs jobs as the superuser: act with the
                    # rights and name (traces) of the staff member.
                    return self.sudo(self.user_id.id)._process_next_chunk()
                return self._process_next_chunk()
        except REFUSALS as exc:
            # Nothing of the chunk is left (savepoint); the chunks done stay.
            _logger.info("EduConnect batch %d stopped: %s", self.id, exc.name)
            return self._fail(exc.name)

    def _check_owner_may_go_on(self):
        """The staff member may have chosen another establishment since the
        batch started: its chunks are still processed in the batch's
        establishment (the services are given it), provided the member still
        holds it and the role there."""
        user = self.user_id
        company = self.company_id
        if company and (company not in user.company_ids or
                        not user._educonnect_has_role(
                            ACTION_ROLES[self.action], company=company)):
            raise AccessError(_("%s no longer holds the rights needed for this "
                                "batch in %s.") % (user.name, company.name))

    def _process_next_chunk(self):
        if self.state in ("done", "failed"):
            return _("Nothing to do: the batch is finished.")
        chunk = self.chunk_ids.filtered(lambda c: c.state == "pending")[:1]
        if not chunk:
            return self._finish()
        values = self._process_chunk(chunk)
        # The action ran as the staff member; its bookkeeping is the system's
        # (staff may read their batches, never write them).
        chunk.sudo().write(dict(values.pop("chunk", {}), state="done"))
        self.sudo().write(dict(values, state="running",
                        done_count=self.done_count + chunk.record_count,
                        done_chunk_count=self.done_chunk_count + 1))
        self._queue_next()
        return _("Chunk %d of %d processed (%d accounts).") % (
            chunk.sequence + 1, self.chunk_count, chunk.record_count)

    def _options(self):
        """The options chosen in the wizard (no secret)."""
        return json.loads(self.options or "{}")

    def _records(self, ids):
        """The batch's records (accounts, or rows of a list) among ``ids``."""
        # In the order of the batch (exists() answers in the table's).
        existing = set(self.env[self.source_model].browse(ids).exists().ids)
        return self.env[self.source_model].browse(
            [i for i in ids if i in existing])

    def _process_chunk(self, chunk):
        """Do the action on the chunk's records, in the batch's
        establishment, through the same services as the wizards; returns
        the values to write on the batch (and under ``chunk``, on it)."""
        records = self._records(chunk._ids_list())
        options = self._options()
        if self.action == "notify":
            by_letter, emailed, pdf = records._educonnect_distribute(
                options.get("notification_type", "letter"),
                reset=options.get("reset_password", False),
                company=self.company_id)
            values = {"letter_count": self.letter_count + len(by_letter),
                      "email_count": self.email_count + len(emailed)}
            if pdf:
                values["chunk"] = {"attachment_id": self._attach(
                    "chunk-%d.pdf" % chunk.sequence, pdf,
                    "application/pdf").id}
            return values
        if self.action == "reset":
            records._educonnect_reset(company=self.company_id)
            return {}
        # list: the rows with their passwords, encrypted until the end.
        rows = self._accounts_model()._educonnect_list_rows(
            records, company=self.company_id)
        data = encrypt_secret(json.dumps(rows)).encode("ascii")
        return {"chunk": {"attachment_id": self._attach(
            "chunk-%d.rows" % chunk.sequence, data,
            "application/octet-stream").id}}

    def _accounts_model(self):
        return self.env[ACCOUNT_MODELS[self.population]]

    def _finish(self):
        """Join the partial files into the downloadable one, tell the user."""
        parts = self.chunk_ids.mapped("attachment_id")
        values = {"state": "done", "date_done": fields.Datetime.now()}
        if self.action == "list":
            values.update(self._finish_list(parts))
        else:
            population = _("pupil(s)") if self.population == "student" \
                else _("guardian(s)")
            if self.action == "notify":
                if parts:
                    values["attachment_id"] = self._attach(
                        _("EduConnect letters %s.pdf")
                        % fields.Date.context_today(self),
                        self._join_pdfs(parts), "application/pdf").id
                values["result_message"] = _(
                    "The distribution was carried out successfully for %d %s: "
                    "%d letter(s), %d e-mail(s), %d left out.") % (
                        self.total_count, population, self.letter_count,
                        self.email_count, self.left_out_count)
            else:
                values["result_message"] = _(
                    "The password was reset for %d %s.") % (self.total_count,
                                                          population)
        # The partial files and the batch are the system's (staff never
        # write them).
        parts.sudo().unlink()
        self.sudo().write(values)
        self._post_to_owner(_("%s: done. %s") % (self.name,
                                                 values["result_message"]))
        return values["result_message"]

    def _finish_list(self, parts):
        """The list of a batch: the rows of its chunks, in their order, as
        one file; traced like a list made at once."""
        rows = []
        for part in parts.sorted(lambda a: a.id):
            rows.extend(json.loads(decrypt_secret(
                base64.b64decode(part.datas).decode("ascii"))))
        list_format = self._options().get("list_format", "pdf")
        # In the batch's establishment, as its services ran.
        Accounts = self._accounts_model()._educonnect_in_company(self.company_id)
        name, content, mimetype = Accounts.env[
            "report.educonnect_accounts.report_account_list"] \
            ._educonnect_list_file(rows, list_format, self.population,
                                   self.company_id)
        records = self._records(
            [i for c in self.chunk_ids for i in c._ids_list()]).with_env(
                Accounts.env)
        Accounts._educonnect_list_accounts(records)._educonnect_trace(
            "list", _("Format: %s") % list_format.upper())
        return {"attachment_id": self._attach(name, content, mimetype).id,
                "result_message": _("The list is ready: %d row(s).") % len(rows)}

    def _post_to_owner(self, body):
        """A message to the batch's owner in Discuss, posted by the system
        (staff members may have no e-mail address, nor write the batch)."""
        bot = self.env.ref("base.partner_root")
        # Posted by the system on the batch, which staff may not write.
        self.sudo().message_post(
            body=body, partner_ids=self.user_id.partner_id.ids,
            author_id=bot.id,
            email_from=bot.email or self.company_id.email or False,
            subtype="mail.mt_comment")

    def _fail(self, reason):
        """End the batch « Échoué » with ``reason`` and tell its owner."""
        message = _("Stopped after %d of %d account(s): %s") % (
            self.done_count, self.total_count, reason)
        # Batch bookkeeping (staff never write batches), whoever reports it.
        self.sudo().write({"state": "failed", "date_done": fields.Datetime.now(),
                           "result_message": message})
        self._post_to_owner(_("%s: stopped. %s") % (self.name, message))
        return message

    @api.model
    def _job_failed(self, jobs):
        """queue_job gave up on ``jobs`` (an unexpected error, or too many
        interruptions): their batches fail. The traceback stays on the job,
        for the administrator; the staff member reads a sentence."""
        uuids = jobs.mapped("uuid")
        # Whoever marks the jobs failed (runner, administrator): the batches
        # are the system's bookkeeping.
        for batch in self.sudo().search([("job_uuid", "in", uuids),
                                         ("state", "in", ("queued", "running"))]):
            batch = batch.with_context(lang=batch.user_id.lang or "fr_FR")
            batch._fail(_("an unexpected error stopped the processing. You can "
                          "resume the batch; if the error comes back, tell "
                          "the administrator (job %s).") % batch.job_uuid)

    @api.model
    def _requeue_interrupted_jobs(self):
        """Cron: the jobs of batches that nobody performs any more go back
        to the queue (a chunk is processed again from its start: nothing
        of it was committed): those « started » or « enqueued » for more
        than ``DEAD_JOB_GRACE`` seconds whose batch is not locked (their
        worker died: its connection, and the lock, went with it), and
        those « started » for longer than the timeout (a worker stuck).
        After ``MAX_INTERRUPTIONS``, the job fails, and its batch with it."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        limit = fields.Datetime.to_string(
            now - timedelta(minutes=self._job_timeout()))
        grace = fields.Datetime.to_string(
            now - timedelta(seconds=DEAD_JOB_GRACE))
        # A cron of the system: the job queue and every owner's batches.
        Job = self.env["queue.job"].sudo()
        stuck = Job.search([
            ("model_name", "=", self._name), ("state", "=", "started"),
            ("date_started", "<=", limit)])
        candidates = Job.search([
            ("model_name", "=", self._name), ("id", "not in", stuck.ids),
            "|", "&", ("state", "=", "started"), ("date_started", "<=", grace),
            "&", ("state", "=", "enqueued"), ("date_enqueued", "<=", grace)])
        batches = self.sudo().search([("job_uuid", "in", (
            stuck | candidates).mapped("uuid"))])
        by_uuid = {batch.job_uuid: batch for batch in batches}
        # Batches whose row no job holds (SKIP LOCKED answers those only;
        # the cron holds them until it commits, a moment).
        free = set()
        if candidates:
            self.env.cr.execute(
                "SELECT id FROM educonnect_batch WHERE id IN %s "
                "FOR UPDATE SKIP LOCKED", [tuple(batches.ids or [0])])
            free = {row[0] for row in self.env.cr.fetchall()}
        jobs = stuck | candidates.filtered(
            lambda j: j.uuid not in by_uuid or by_uuid[j.uuid].id in free)
        requeued = 0
        for job_record in jobs:
            batch = by_uuid.get(job_record.uuid)
            count = (batch.interruption_count if batch else 0) + 1
            try:
                with self.env.cr.savepoint():
                    if batch:
                        batch.interruption_count = count
                    if count >= MAX_INTERRUPTIONS:
                        job_record.write({
                            "state": "failed",
                            "exc_info": "Interrupted %d times (its worker died, "
                                        "or was stuck for more than %d minutes)."
                                        % (count, self._job_timeout())})
                    else:
                        _logger.warning(
                            "EduConnect batch job %s interrupted (%s, started at "
                            "%s): put back in the queue.", job_record.uuid,
                            job_record.state, job_record.date_started)
                        job_record.requeue()
            except psycopg2.extensions.TransactionRollbackError:
                # Its worker wrote it since this cron's snapshot (it finished
                # its chunk and released the lock meanwhile): alive, left alone.
                self.invalidate_cache()
                continue
            requeued += 1
        return requeued

    @staticmethod
    def _join_pdfs(parts):
        return join_pdfs([base64.b64decode(part.datas)
                          for part in parts.sorted(lambda a: a.id)])

    def _attach(self, name, content, mimetype):
        # Letters and lists hold provisional passwords: not indexed, and
        # deleted after the retention time (educonnect.retention). Attached
        # by the system: staff may not write a batch, nor its files.
        return self.env["ir.attachment"].sudo().with_context(
            educonnect_no_index=True).create({
            "name": name, "datas_fname": name,
            "datas": base64.b64encode(content), "mimetype": mimetype,
            "res_model": self._name, "res_id": self.id,
        })
