"""Background batches: the account actions over a large selection.

A wizard whose selection is bigger than the threshold (setting
``educonnect_accounts.batch_threshold``, 500 accounts by default) does not
act at once: it records a batch — the action, its options, the ids cut into
chunks in the order of the result, the establishment — and queues one job
(OCA queue_job). The jobs (``educonnect_batch_job.py``) call, per chunk, the
same services of the account models as the wizards do.

This file: the batch record, its settings, its creation and its buttons.
"""
import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .educonnect_account_mixin import ACTION_ROLES, POPULATIONS

BATCH_THRESHOLD = 500
BATCH_CHUNK_SIZE = 200
BATCH_JOB_TIMEOUT = 15  # minutes a chunk's job may stay « started »


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
    population = fields.Selection(POPULATIONS, string="Population",
                                  required=True, readonly=True)
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
    # The guardian list has a row per pupil–guardian link: a guardian of two
    # pupils is one account on two rows. The wizard counts accounts, and so
    # does the batch's name; the progress counts the rows processed.
    account_count = fields.Integer(string="Accounts", readonly=True)
    total_count = fields.Integer(string="Rows to process", readonly=True)
    done_count = fields.Integer(string="Rows processed", readonly=True)
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
        # The job queue is the administrator's; staff see their job's state.
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
                # Counts only, of the batch's accounts, wherever the owner
                # acts now and whatever role they hold since.
                system = batch.sudo()
                ids = [i for c in system.chunk_ids for i in c._ids_list()]
                counts = system.env[batch.source_model].browse(ids) \
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
        # System parameters are the administrator's; staff use these.
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
        if account_count is None:
            account_count = self._account_count(source_model, ids)
        # Staff read their batches and never write them (the bookkeeping of
        # a batch is the system's: who, where, which accounts, which file):
        # written as superuser, for the user and establishment of the action.
        # No "created" message: staff members may have no e-mail address.
        batch = self.sudo().with_context(mail_create_nolog=True).create({
            "user_id": self.env.uid, "company_id": self.env.user.company_id.id,
            "name": _("%s (%d accounts)") % (labels[action], account_count),
            "account_count": account_count,
            "action": action, "population": population,
            "source_model": source_model, "options": json.dumps(options),
            "total_count": len(ids), "chunk_count": len(chunks),
            "left_out_count": left_out_count,
            "chunk_ids": [(0, 0, {"sequence": n, "record_ids": ",".join(
                str(i) for i in chunk), "record_count": len(chunk)})
                for n, chunk in enumerate(chunks)],
        })
        batch._queue_next()
        # Handed back as the staff member, who reads it under its rules.
        return batch.sudo(self.env.uid)

    @api.model
    def _account_count(self, source_model, ids):
        """How many accounts ``ids`` of ``source_model`` are (the guardians
        of the rows of the guardian list, counted once)."""
        if source_model != "educonnect.guardian.link" or not ids:
            return len(ids)
        self.env.cr.execute(
            "SELECT count(DISTINCT guardian_id) FROM educonnect_guardian_link "
            "WHERE id IN %s", [tuple(ids)])
        return self.env.cr.fetchone()[0]

    def _queue_next(self):
        self.ensure_one()
        # Batch bookkeeping: staff read their batches, never write them.
        batch = self.sudo()
        queued = batch.with_delay(description=_("EduConnect batch %d: %s") % (
            batch.id, batch.name))._job_process_next_chunk()
        batch.job_uuid = queued.uuid

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
        records = self._records(ids)
        if self.population == "guardian":
            # The guardian list of the guide: one row per pupil–guardian link.
            records = self.env["educonnect.guardian.link"].search(
                [("guardian_id", "in", records.ids)])
        return {
            "type": "ir.actions.act_window", "res_model": "educonnect.list.wizard",
            "name": _("List accounts"), "view_mode": "form", "target": "new",
            "context": {"active_model": records._name, "active_ids": records.ids},
        }

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
        # Batch bookkeeping (staff never write batches); role checked above.
        self.sudo().write({"state": "running", "date_done": False,
                           "result_message": False, "interruption_count": 0})
        self._queue_next()
        return True

    @api.multi
    def unlink(self):
        # The files (they hold provisional passwords) go with the batch;
        # made by the system, deleted by it.
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
