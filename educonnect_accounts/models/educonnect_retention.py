"""Retention: what holds secrets or personal data is kept for a stated time,
then deleted by a daily scheduled action (RGPD art. 5: personal data kept no longer than its purpose needs).

Defaults (system parameters ``educonnect_accounts.retention_<key>_days``):

============================  =====  ===========================================
what                          days   why
============================  =====  ===========================================
password_files                7      letters and lists of background batches
                                     (provisional passwords): long enough to
                                     print them, no longer. Files of the
                                     wizards go with the wizard (an hour).
traces                        365    account action traces: CNIL délibération
                                     2021-122 (logs kept six months to a year)
imports                       365    SIECLE import reports (names of pupils):
                                     the school year and the next rentrée
batches                       365    background batch records (no secret)
undelivered_mails             90     e-mails not delivered (no secret: the
                                     link or code is drawn when a mail leaves)
============================  =====  ===========================================
"""
import datetime
import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

RETENTION_DAYS = {"password_files": 7, "traces": 365, "imports": 365,
                  "batches": 365, "undelivered_mails": 90}


class EduconnectRetention(models.AbstractModel):
    _name = "educonnect.retention"
    _description = "Retention of EduConnect files and records"

    @api.model
    def _days(self, key):
        value = self.env["ir.config_parameter"].sudo().get_param(
            "educonnect_accounts.retention_%s_days" % key)
        try:
            return max(int(value), 1) if value else RETENTION_DAYS[key]
        except ValueError:
            return RETENTION_DAYS[key]

    @api.model
    def _limit(self, key):
        return fields.Datetime.to_string(
            datetime.datetime.utcnow() - datetime.timedelta(days=self._days(key)))

    @api.model
    def _cron_purge(self):
        """Delete what outlived its retention time; returns the counts."""
        self = self.sudo()  # the scheduled action of the system
        counts = {}
        Attachment = self.env["ir.attachment"]
        files = Attachment.search([
            ("res_model", "in", ("educonnect.batch", "educonnect.batch.chunk")),
            ("create_date", "<", self._limit("password_files"))])
        counts["password_files"] = len(files)
        files.unlink()
        for key, model in (("batches", "educonnect.batch"),
                           ("imports", "educonnect.siecle.import")):
            old = self.env[model].with_context(active_test=False).search(
                [("create_date", "<", self._limit(key))])
            counts[key] = len(old)
            old.unlink()
        # Traces are append-only for everyone (their model refuses unlink):
        # the retention is their only deletion (links to the accounts go
        # with them, ON DELETE CASCADE).
        self.env.cr.execute("DELETE FROM educonnect_account_trace "
                            "WHERE create_date < %s", [self._limit("traces")])
        counts["traces"] = self.env.cr.rowcount
        mails = self.env["mail.mail"].search([
            ("educonnect_res_model", "!=", False), ("state", "=", "exception"),
            ("create_date", "<", self._limit("undelivered_mails"))])
        counts["undelivered_mails"] = len(mails)
        mails.unlink()
        # Files made before they were kept out of the full-text index.
        self.env.cr.execute(
            "UPDATE ir_attachment SET index_content = NULL WHERE index_content "
            "IS NOT NULL AND res_model IN ('educonnect.batch', "
            "'educonnect.batch.chunk', 'educonnect.list.wizard', "
            "'educonnect.notify.wizard', 'educonnect.reset.wizard')")
        _logger.info("EduConnect retention: deleted %s", counts)
        return counts
