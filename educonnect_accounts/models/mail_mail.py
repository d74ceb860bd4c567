"""The e-mails of EduConnect: sent at once, retried, followed, secret-free.

Odoo's mail queue is processed by a cron (once an hour by default) and a
failed mail stays « exception » for good. For the e-mails of EduConnect:

- **Sent at once.** The action that queues them also queues a job (OCA
  queue_job, run by the job runner within a second of the commit) that
  sends them: a guardian does not wait for the next run of the mail cron.
- **Retried, then failed, never lost.** A mail the SMTP server refuses (or
  that cannot reach it) goes back to the queue after 2, 10 then 30 minutes
  (system parameter ``educonnect_accounts.mail_retry_minutes``); after the
  last try it stays « Échec » with the server's answer. The account it was
  sent for records « envoyé le … », « en attente » or « en échec : raison »
  (``email_delivery_*`` of the account models), shown to the staff.
- **No secret in the queue.** A code or an activation link is drawn when
  the mail leaves (:meth:`send_get_mail_body`): the queued body holds a
  placeholder, which the SMTP message alone carries replaced. The record
  the mail was made for (``educonnect_res_model``/``educonnect_res_id``)
  draws the secret and keeps its hash only.
"""
import datetime
import email.utils
import logging

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import job

_logger = logging.getLogger(__name__)

#: Put in a queued body where the code or token goes; never a secret.
SECRET_PLACEHOLDER = "EDUCONNECT-SECRET-SENT-SEPARATELY"
RETRY_MINUTES = (2, 10, 30)
#: Mails sent by one job.
SEND_CHUNK = 100


def short_reason(failure):
    """The SMTP server's answer without Odoo's two generic lines above it:
    « SMTPDataError: 451 4.3.0 Mailbox temporarily unavailable »."""
    lines = [line.strip() for line in (failure or "").splitlines() if line.strip()]
    return " ".join(lines[-2:] if len(lines) > 2 else lines)


class MailMail(models.Model):
    _inherit = "mail.mail"

    educonnect_res_model = fields.Char(
        string="EduConnect record model", readonly=True, index=True)
    educonnect_res_id = fields.Integer(
        string="EduConnect record", readonly=True, index=True)
    educonnect_attempts = fields.Integer(
        string="Failed delivery attempts", readonly=True, default=0)
    educonnect_gave_up = fields.Boolean(
        string="No more tries", readonly=True, default=False)

    @api.model
    def create(self, values):
        if values.get("educonnect_res_model") and values.get("email_from") \
                and not values.get("headers"):
            # The envelope sender is the establishment's address too, not
            # Odoo's bounce alias at the server's host name (which relays
            # refuse and nobody reads).
            values["headers"] = repr({"Return-Path": email.utils.parseaddr(
                values["email_from"])[1]})
        return super().create(values)

    # -- the record the mail is for ------------------------------------------
    def _educonnect_record(self):
        self.ensure_one()
        if not self.educonnect_res_model \
                or self.educonnect_res_model not in self.env:
            return None
        # The mail queue (the system) reports to the record it was made for.
        return self.env[self.educonnect_res_model].sudo().browse(
            self.educonnect_res_id).exists() or None

    def _educonnect_tell(self, status, reason=None):
        """Let the records the mails were made for know how delivery went."""
        for mail in self:
            record = mail._educonnect_record()
            if record is not None and hasattr(record, "_educonnect_mail_status"):
                record._educonnect_mail_status(status, reason, mail)

    # -- sending -------------------------------------------------------------
    @api.multi
    def send_get_mail_body(self, partner=None):
        body = super().send_get_mail_body(partner=partner)
        if self.educonnect_res_model and SECRET_PLACEHOLDER in body:
            record = self._educonnect_record()
            secret = record._educonnect_draw_secret() if record is not None \
                else None
            if not secret:
                # The account went away: send nothing rather than a
                # placeholder (the mail fails with this reason).
                raise ValueError(_("The account this e-mail was for no "
                                   "longer exists."))
            body = body.replace(SECRET_PLACEHOLDER, secret)
        return body

    @api.multi
    def _educonnect_send_soon(self):
        """Queue the sending of these mails right after the commit."""
        mails = self.sudo()  # the mail queue is the system's, whoever queued
        for start in range(0, len(mails), SEND_CHUNK):
            mails[start:start + SEND_CHUNK].with_delay(
                priority=5, max_retries=3,
                description=_("EduConnect: send %d e-mail(s)")
                % len(mails[start:start + SEND_CHUNK]))._job_educonnect_send()

    @job(default_channel="root")
    @api.multi
    def _job_educonnect_send(self):
        due = fields.Datetime.now()
        # Queued as the system: the mails are the system's to send.
        mails = self.sudo().exists().filtered(
            lambda m: m.state == "outgoing"
            and (not m.scheduled_date or m.scheduled_date <= due))
        mails.send(auto_commit=True)
        return _("%d e-mail(s) processed.") % len(mails)

    @api.multi
    def send(self, auto_commit=False, raise_exception=False):
        result = super().send(auto_commit=auto_commit,
                              raise_exception=raise_exception)
        # A mail whose SMTP server could not be reached is marked failed
        # without the per-mail post-processing: give it its retries too.
        self.exists().filtered(
            lambda m: m.educonnect_res_model and m.state == "exception"
            and not m.educonnect_gave_up)._educonnect_retry_or_fail()
        return result

    @api.multi
    def _postprocess_sent_message(self, mail_sent=True):
        ours = self.filtered("educonnect_res_model")
        if mail_sent:
            ours._educonnect_tell("sent")
        else:
            ours.filtered(lambda m: m.state == "exception") \
                ._educonnect_retry_or_fail()
        return super()._postprocess_sent_message(mail_sent=mail_sent)

    # -- retries ---------------------------------------------------------------
    @api.model
    def _educonnect_retry_minutes(self):
        # System parameter, read for whoever sends.
        value = self.env["ir.config_parameter"].sudo().get_param(
            "educonnect_accounts.mail_retry_minutes")
        if value and value.strip().lower() == "none":
            return []
        try:
            return [max(int(v), 0) for v in value.split(",") if v.strip()] \
                if value else list(RETRY_MINUTES)
        except ValueError:
            return list(RETRY_MINUTES)

    @api.multi
    def _educonnect_retry_or_fail(self):
        delays = self._educonnect_retry_minutes()
        now = datetime.datetime.utcnow()
        # Retries are the system's, whoever's send failed.
        for mail in self.sudo():
            attempts = mail.educonnect_attempts + 1
            reason = short_reason(mail.failure_reason) or _("unknown error")
            if attempts <= len(delays):
                when = now + datetime.timedelta(minutes=delays[attempts - 1])
                mail.write({
                    "state": "outgoing", "educonnect_attempts": attempts,
                    "scheduled_date": fields.Datetime.to_string(when)})
                mail._educonnect_tell("retry", reason)
                _logger.info("EduConnect mail %s not delivered (try %d), "
                             "next try at %s", mail.id, attempts, when)
            else:
                mail.write({"educonnect_attempts": attempts,
                            "educonnect_gave_up": True})
                mail._educonnect_tell("failed", reason)
                _logger.warning("EduConnect mail %s not delivered after %d "
                                "tries: %s", mail.id, attempts, reason)
