"""Background batches: the account actions over a large selection.

A wizard whose selection is bigger than the threshold (setting
``educonnect_accounts.batch_threshold``, 500 accounts by default) does not
act at once: it records a batch, cut into chunks of ids in the order of the
result, and queues one job (OCA queue_job). Each job takes the batch's row
lock, processes the *next pending chunk* and marks it done in the same
transaction, then queues the next job, so that:

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
  out of memory, server stopped) is put back in the queue by a cron after
  ``batch_job_timeout`` minutes (15 by default), at most
  ``MAX_INTERRUPTIONS`` times, after which the batch fails.

Secrets: the jobs' arguments are the batch record only; the partial files
(letters PDF of a chunk, encrypted rows of a list) are attachments of the
batch, joined into the downloadable file at the end and then deleted; job
results are a sentence without any password.
"""
import base64
import contextlib
import io
import json
import logging
from datetime import timedelta

import psycopg2
from PyPDF2 import PdfFileReader, PdfFileWriter

from odoo import _, api, fields, models
from odoo.exceptions import (AccessError, MissingError, UserError,
                             ValidationError)

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import job

from ..tools.crypto import decrypt_secret, encrypt_secret
from .educonnect_account_mixin import ACTION_ROLES

_logger = logging.getLogger(__name__)

BATCH_THRESHOLD = 500
BATCH_CHUNK_SIZE = 200
BATCH_JOB_TIMEOUT = 15  # minutes a chunk's job may stay « started »
MAX_INTERRUPTIONS = 3
#: Errors that are an answer to give the staff member, not a bug.
REFUSALS = (AccessError, MissingError, UserError, ValidationError)
WIZARDS = {"notify": "educonnect.notify.wizard",
           "reset": "educonnect.reset.wizard",
           "list": "educonnect.list.wizard"}


class EduconnectBatch(models.Model):
    _name = "educonnect.batch"
    _inherit = ["mail.thread"]
    _description = "Background batch of account actions"
    _order = "id desc"

    name = fields.Char(string="Batch", required=True, readonly=True)
    action = fields.Selection(
        [("notify", "(Re)notify the accounts"),
         ("reset", "Reset the passwords"),
         ("list", "List the accounts")], string="Action", required=True,
        readonly=True)
    population = fields.Selection([("student", "Pupils"),
                                   ("guardian", "Guardians")],
                                  string="Population", required=True,
                                  readonly=True)
    user_id = fields.Many2one("res.users", string="Requested by", required=True,
                              readonly=True, index=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", string="Establishment",
                                 readonly=True,
                                 default=lambda self: self.env.user.company_id)
    state = fields.Selection(
        [("queued", "Queued"), ("running", "In progress"), ("done", "Done"),
         ("failed", "Failed")], string="State", default="queued",
        required=True, readonly=True)
    source_model = fields.Char(string="List", readonly=True)
    options = fields.Text(string="Options", readonly=True,
                          help="The options chosen in the wizard (no secret).")
    chunk_ids = fields.One2many("educonnect.batch.chunk", "batch_id",
                                string="Chunks", readonly=True)
    total_count = fields.Integer(string="Accounts", readonly=True)
    done_count = fields.Integer(string="Processed accounts", readonly=True)
    chunk_count = fields.Integer(string="Chunks to process", readonly=True)
    done_chunk_count = fields.Integer(string="Processed chunks", readonly=True)
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")
    letter_count = fields.Integer(string="Letters", readonly=True)
    email_count = fields.Integer(string="E-mails", readonly=True)
    email_sent_count = fields.Integer(compute="_compute_email_delivery",
                                      string="E-mails sent")
    email_pending_count = fields.Integer(compute="_compute_email_delivery",
                                         string="E-mails waiting to be sent")
    email_failed_count = fields.Integer(compute="_compute_email_delivery",
                                        string="E-mails not delivered")
    left_out_count = fields.Integer(string="Left out", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File",
                                    readonly=True, ondelete="set null")
    result_message = fields.Text(string="Result", readonly=True)
    date_done = fields.Datetime(string="Finished on", readonly=True)
    interruption_count = fields.Integer(
        string="Interruptions", readonly=True,
        help="Times a job of this batch was found interrupted (its worker "
             "stopped) and put back in the queue.")
    job_uuid = fields.Char(string="Current job", readonly=True, copy=False)
    job_state = fields.Char(string="State of the current job",
                            compute="_compute_job_state")

    def _compute_job_state(self):
        jobs = self.env["queue.job"].sudo().search(
            [("uuid", "in", [u for u in self.mapped("job_uuid") if u])])
        labels = dict(jobs._fields["state"]._description_selection(self.env))
        state_of = {job.uuid: labels[job.state] for job in jobs}
        for batch in self:
            batch.job_state = state_of.get(batch.job_uuid, "")

    def _compute_email_delivery(self):
        """How the e-mails of a (re)notification by e-mail went: the
        accounts of the batch that have an address were e-mailed."""
        for batch in self:
            counts = {"pending": 0, "sent": 0, "failed": 0}
            if batch.action == "notify" and batch.email_count:
                ids = [i for c in batch.sudo().chunk_ids for i in c._ids_list()]
                counts = self.env[batch.source_model].sudo().browse(ids) \
                    .filtered("email")._educonnect_delivery_counts()
            batch.email_sent_count = counts["sent"]
            batch.email_pending_count = counts["pending"]
            batch.email_failed_count = counts["failed"]

    @api.depends("done_count", "total_count")
    def _compute_progress(self):
        for batch in self:
            batch.progress = 100.0 * batch.done_count / batch.total_count \
                if batch.total_count else 0.0

    # -- settings ------------------------------------------------------------

    @api.model
    def _setting(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(
            "educonnect_accounts.%s" % key)
        try:
            return max(int(value), 1) if value else default
        except ValueError:
            return default

    @api.model
    def _threshold(self):
        """Selections of more accounts than this run in the background."""
        return self._setting("batch_threshold", BATCH_THRESHOLD)

    @api.model
    def _chunk_size(self):
        return self._setting("batch_chunk_size", BATCH_CHUNK_SIZE)

    @api.model
    def _job_timeout(self):
        return self._setting("batch_job_timeout", BATCH_JOB_TIMEOUT)

    # -- creation --------------------------------------------------------------

    @api.model
    def _start(self, action, population, source_model, ids, options,
               account_count=None, left_out_count=0):
        """Record a batch over ``ids`` (in the order of the result) and queue
        its first job. ``options`` are the wizard's choices (no secret)."""
        size = self._chunk_size()
        chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
        labels = dict(self._fields["action"]._description_selection(self.env))
        # Staff read their batches and never write them (the bookkeeping of
        # a batch is the system's: who, where, which accounts, which file):
        # written as superuser, for the user and establishment of the action.
        # No "created" message: staff members may have no e-mail address.
        batch = self.sudo().with_context(mail_create_nolog=True).create({
            "user_id": self.env.uid, "company_id": self.env.user.company_id.id,
            "name": "%s (%d)" % (labels[action], account_count or len(ids)),
            "action": action, "population": population,
            "source_model": source_model, "options": json.dumps(options),
            "total_count": len(ids), "chunk_count": len(chunks),
            "left_out_count": left_out_count,
            "chunk_ids": [(0, 0, {"sequence": n, "record_ids": ",".join(
                str(i) for i in chunk), "record_count": len(chunk)})
                for n, chunk in enumerate(chunks)],
        })
        batch._queue_next()
        return batch.sudo(self.env.uid)

    def _queue_next(self):
        self.ensure_one()
        batch = self.sudo()  # bookkeeping (see _start)
        queued = batch.with_delay(description=_("EduConnect batch %d: %s") % (
            batch.id, batch.name))._job_process_next_chunk()
        batch.job_uuid = queued.uuid

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
        self = self.with_context(lang=self.sudo().user_id.lang or "fr_FR")
        self._lock()
        try:
            with self.env.cr.savepoint(), self._in_batch_establishment():
                if self.env.uid != self.user_id.id:
                    # The runner performs jobs as the superuser: act with the
                    # rights, establishment and name (traces) of the staff
                    # member.
                    return self.sudo(self.user_id.id)._process_next_chunk()
                return self._process_next_chunk()
        except REFUSALS as exc:
            # Nothing of the chunk is left (savepoint); the chunks done stay.
            _logger.info("EduConnect batch %d stopped: %s", self.id, exc.name)
            return self._fail(exc.name)

    @contextlib.contextmanager
    def _in_batch_establishment(self):
        """The staff member may have chosen another establishment since the
        batch started: the chunk is processed in the batch's establishment,
        provided the member still holds the role there. The choice is
        changed inside this transaction only and put back before it ends:
        the member's session never sees it."""
        user = self.sudo().user_id
        company = self.sudo().company_id
        current = user.company_id
        role = ACTION_ROLES[self.action]
        if company and (company not in user.company_ids or
                        not user._educonnect_has_role(role, company=company)):
            raise AccessError(_("%s no longer holds the rights needed for this "
                                "batch in %s.") % (user.name, company.name))
        if not company or current == company:
            yield
            return
        self._set_user_company(user, company)
        try:
            yield
        finally:
            self._set_user_company(user, current)

    def _set_user_company(self, user, company):
        self.env.cr.execute("UPDATE res_users SET company_id = %s WHERE id = %s",
                            [company.id, user.id])
        self.env.cache.invalidate()
        self.env["ir.rule"].clear_caches()

    def _process_next_chunk(self):
        if self.state in ("done", "failed"):
            return _("Nothing to do: the batch is finished.")
        chunk = self.chunk_ids.filtered(lambda c: c.state == "pending")[:1]
        if not chunk:
            return self._finish()
        values = self._process_chunk(chunk)
        # The action ran as the staff member; its bookkeeping is the system's.
        chunk.sudo().write(dict(values.pop("chunk", {}), state="done"))
        self.sudo().write(dict(values, state="running",
                        done_count=self.done_count + chunk.record_count,
                        done_chunk_count=self.done_chunk_count + 1))
        self._queue_next()
        return _("Chunk %d of %d processed (%d accounts).") % (
            chunk.sequence + 1, self.chunk_count, chunk.record_count)

    def _wizard(self, ids):
        """An in-memory wizard with the batch's options over ``ids``."""
        values = json.loads(self.options or "{}")
        values.update({"population": self.population, "scope": "selected",
                       "source_model": self.source_model,
                       "source_ids": ",".join(str(i) for i in ids)})
        return self.env[WIZARDS[self.action]].new(values)

    def _process_chunk(self, chunk):
        """Do the action on the chunk's records; returns the values to write
        on the batch (and under ``chunk``, on the chunk)."""
        wizard = self._wizard(chunk._ids_list())
        if self.action == "notify":
            by_letter, emailed, pdf = wizard._notify(wizard._accounts())
            values = {"letter_count": self.letter_count + len(by_letter),
                      "email_count": self.email_count + len(emailed)}
            if pdf:
                values["chunk"] = {"attachment_id": self._attach(
                    "chunk-%d.pdf" % chunk.sequence, pdf,
                    "application/pdf").id}
            return values
        if self.action == "reset":
            wizard._reset(wizard._accounts())
            return {}
        # list: the rows with their passwords, encrypted until the end.
        rows = wizard._rows()
        data = encrypt_secret(json.dumps(rows)).encode("ascii")
        return {"chunk": {"attachment_id": self._attach(
            "chunk-%d.rows" % chunk.sequence, data,
            "application/octet-stream").id}}

    def _finish(self):
        """Join the partial files into the downloadable one, tell the user."""
        population = _("pupil(s)") if self.population == "student" \
            else _("guardian(s)")
        parts = self.chunk_ids.mapped("attachment_id")
        values = {"state": "done", "date_done": fields.Datetime.now()}
        today = fields.Date.context_today(self)
        if self.action == "notify":
            if parts:
                values["attachment_id"] = self._attach(
                    _("EduConnect letters %s.pdf") % today,
                    self._join_pdfs(parts), "application/pdf").id
            values["result_message"] = _(
                "The distribution was carried out successfully for %d %s: "
                "%d letter(s), %d e-mail(s), %d left out.") % (
                    self.total_count, population, self.letter_count,
                    self.email_count, self.left_out_count)
        elif self.action == "reset":
            values["result_message"] = _(
                "The password was reset for %d %s.") % (self.total_count,
                                                      population)
        else:
            rows = []
            for part in parts.sorted(lambda a: a.id):
                rows.extend(json.loads(decrypt_secret(
                    base64.b64decode(part.datas).decode("ascii"))))
            wizard = self._wizard([])
            content = getattr(wizard, "_" + wizard.list_format)(rows)
            values["attachment_id"] = self._attach(
                "%s %s.%s" % (wizard._population_title(), today,
                              wizard.list_format),
                content, wizard._mimetype()).id
            ids = [i for c in self.chunk_ids for i in c._ids_list()]
            wizard = self._wizard(ids)
            wizard._accounts()._educonnect_trace(
                "list", _("Format: %s") % wizard.list_format.upper())
            values["result_message"] = _("The list is ready: %d row(s).") % len(rows)
        parts.sudo().unlink()
        self.sudo().write(values)  # bookkeeping (see _start)
        # Posted by the system (staff members may have no e-mail address).
        bot = self.env.ref("base.partner_root")
        self.sudo().message_post(
            body=_("%s: done. %s") % (self.name, values["result_message"]),
            partner_ids=self.user_id.partner_id.ids, author_id=bot.id,
            email_from=bot.email or self.company_id.email or False,
            subtype="mail.mt_comment")
        return values["result_message"]

    def _fail(self, reason):
        """End the batch « Échoué » with ``reason`` and tell its owner."""
        self = self.sudo()
        message = _("Stopped after %d of %d account(s): %s") % (
            self.done_count, self.total_count, reason)
        self.write({"state": "failed", "date_done": fields.Datetime.now(),
                    "result_message": message})
        bot = self.env.ref("base.partner_root")
        self.message_post(
            body=_("%s: stopped. %s") % (self.name, message),
            partner_ids=self.user_id.partner_id.ids, author_id=bot.id,
            email_from=bot.email or self.company_id.email or False,
            subtype="mail.mt_comment")
        return message

    @api.model
    def _job_failed(self, jobs):
        """queue_job gave up on ``jobs`` (an unexpected error, or too many
        interruptions): their batches fail. The traceback stays on the job,
        for the administrator; the staff member reads a sentence."""
        uuids = jobs.mapped("uuid")
        for batch in self.sudo().search([("job_uuid", "in", uuids),
                                         ("state", "in", ("queued", "running"))]):
            batch = batch.with_context(lang=batch.user_id.lang or "fr_FR")
            batch._fail(_("an unexpected error stopped the processing. You can "
                          "resume the batch; if the error comes back, tell "
                          "the administrator (job %s).") % batch.job_uuid)

    @api.model
    def _requeue_interrupted_jobs(self):
        """Cron: the jobs of batches left « started » for longer than the
        timeout by a worker that died go back to the queue (a chunk is
        processed again from its start: nothing of it was committed); after
        ``MAX_INTERRUPTIONS``, the job fails, and its batch with it."""
        limit = fields.Datetime.to_string(fields.Datetime.from_string(
            fields.Datetime.now()) - timedelta(minutes=self._job_timeout()))
        jobs = self.env["queue.job"].sudo().search([
            ("model_name", "=", self._name), ("state", "=", "started"),
            ("date_started", "<=", limit)])
        batches = self.sudo().search([("job_uuid", "in", jobs.mapped("uuid"))])
        by_uuid = {batch.job_uuid: batch for batch in batches}
        for job_record in jobs:
            batch = by_uuid.get(job_record.uuid)
            count = (batch.interruption_count if batch else 0) + 1
            if batch:
                batch.interruption_count = count
            if count >= MAX_INTERRUPTIONS:
                job_record.write({
                    "state": "failed",
                    "exc_info": "Interrupted %d times (worker stopped for "
                                "more than %d minutes)." % (
                                    count, self._job_timeout())})
            else:
                _logger.warning("EduConnect batch job %s interrupted (started "
                                "at %s): put back in the queue.",
                                job_record.uuid, job_record.date_started)
                job_record.requeue()
        return len(jobs)

    @staticmethod
    def _join_pdfs(parts):
        parts = parts.sorted(lambda a: a.id)
        if len(parts) == 1:
            return base64.b64decode(parts.datas)
        writer = PdfFileWriter()
        for part in parts:
            writer.appendPagesFromReader(PdfFileReader(io.BytesIO(
                base64.b64decode(part.datas))))
        result = io.BytesIO()
        writer.write(result)
        return result.getvalue()

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

    # -- buttons ---------------------------------------------------------------

    @api.multi
    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("The file is not ready yet."))
        return {"type": "ir.actions.act_url", "target": "self",
                "url": "/web/content/%d?download=true" % self.attachment_id.id}

    @api.multi
    def action_list_accounts(self):
        """After a reset batch, hand out the new credentials: the list of
        the accounts of the batch (3.4: « Lister les comptes »)."""
        self.ensure_one()
        ids = [i for chunk in self.chunk_ids for i in chunk._ids_list()]
        if self.population == "guardian":
            records = self.env["educonnect.guardian.link"].search(
                [("guardian_id", "in", ids)])
        else:
            records = self.env["educonnect.student"].browse(ids).exists()
        return {
            "type": "ir.actions.act_window", "res_model": "educonnect.list.wizard",
            "name": _("List accounts"), "view_mode": "form", "target": "new",
            "context": {"active_model": records._name, "active_ids": records.ids},
        }

    @api.multi
    def action_refresh(self):
        return True

    @api.multi
    def action_resume(self):
        """Go on with a failed batch from its next pending chunk."""
        self.ensure_one()
        if self.state != "failed":
            raise UserError(_("Only a stopped batch can be resumed."))
        if not self.chunk_ids.filtered(lambda c: c.state == "pending"):
            raise UserError(_("Every chunk of this batch was processed."))
        role = ACTION_ROLES[self.action]
        if not self.env.user._educonnect_has_role(role, company=self.company_id):
            raise AccessError(_("You no longer hold the rights needed for this "
                                "batch in %s.") % self.company_id.name)
        self.sudo().write({"state": "running", "date_done": False,
                           "result_message": False, "interruption_count": 0})
        self._queue_next()
        return True

    @api.multi
    def unlink(self):
        # The files (they hold provisional passwords) go with the batch.
        self.env["ir.attachment"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids)]).unlink()
        return super().unlink()


class EduconnectBatchChunk(models.Model):
    _name = "educonnect.batch.chunk"
    _description = "Chunk of a background batch"
    _order = "batch_id, sequence"

    batch_id = fields.Many2one("educonnect.batch", required=True,
                               ondelete="cascade", index=True)
    sequence = fields.Integer(string="Chunk", required=True)
    record_ids = fields.Text(string="Records", required=True)
    record_count = fields.Integer(string="Accounts")
    state = fields.Selection([("pending", "To process"), ("done", "Processed")],
                             string="State", default="pending", required=True)
    attachment_id = fields.Many2one("ir.attachment", string="Partial file",
                                    ondelete="set null")

    def _ids_list(self):
        return [int(i) for i in (self.record_ids or "").split(",") if i]


class QueueJob(models.Model):
    _inherit = "queue.job"

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "failed":
            failed = self.filtered(lambda j: j.model_name == "educonnect.batch")
            if failed:
                self.env["educonnect.batch"]._job_failed(failed)
        return result
