"""One-time codes and links proving an e-mail address or a mobile number.

Used by the first sign-in of guardians (confirming their e-mail), the
self-registration of guardians (auto-inscription), the password recovery and
the confirmation of a pupil's e-mail. Nobody but the superuser reads this
model, and it holds no secret: only an HMAC of the code or link.

Delivery is asynchronous: the request records the verification and queues a
job (OCA queue_job, run within a second by the job runner); the job draws the
secret at the moment it sends it, stores its HMAC and puts it in the SMS or in
the e-mail as it leaves (see ``mail.mail.send_get_mail_body``). So the secret
is never in a database row — not in the mail queue, not in the job's
arguments — and a request for an unknown person costs what a real one costs
(the job finds nobody to send to), so that response times tell nothing.
"""
import datetime
import hashlib
import hmac
import logging
import secrets

import phonenumbers

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import job

from .mail_mail import SECRET_PLACEHOLDER

_logger = logging.getLogger(__name__)

CODE_MINUTES = 30
LINK_DAYS = 7
MAX_ATTEMPTS = 5
#: Codes sent to one account within an hour, at most (a setting): new codes
#: must not give an attacker an endless supply of fresh tries.
CODES_PER_HOUR_PARAM = "educonnect.code_max_per_hour"
CODES_PER_HOUR = 5


def normalise_mobile(number):
    """E.164 form of a French (or international) mobile number, or None."""
    try:
        parsed = phonenumbers.parse(number or "", "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_destination(destination):
    """« s***@example.fr », « +33 6 ** ** ** 78 »: enough for the holder to
    recognise, not enough to learn an address."""
    if "@" in destination:
        name, domain = destination.split("@", 1)
        return "%s***@%s" % (name[:1], domain)
    return "%s…%s" % (destination[:4], destination[-2:])


class EduconnectVerification(models.Model):
    _name = "educonnect.verification"
    _description = "One-time verification code"
    _order = "id desc"

    purpose = fields.Selection([
        ("activation", "Activation"),
        ("self_registration", "Self-registration"),
        ("recovery", "Password recovery"),
        ("confirm_email", "E-mail confirmation"),
        ("login_reminder", "Login reminder"),
        ("confirm_mobile", "Mobile confirmation"),
    ], required=True, readonly=True)
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")],
                               required=True, readonly=True)
    is_link = fields.Boolean(readonly=True,
                             help="A link to follow rather than a code to type.")
    destination = fields.Char(readonly=True)
    account_model = fields.Char(readonly=True)
    account_id = fields.Integer(readonly=True)
    secret_hash = fields.Char(readonly=True)
    expiry = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True, default=0)
    done = fields.Boolean(readonly=True, default=False)

    # -- secrets ----------------------------------------------------------
    @api.model
    def _hash(self, secret):
        # sudo: the database secret is a system parameter; the visitor
        # proving a code is anonymous.
        key = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(key.encode(), secret.strip().encode(),
                        hashlib.sha256).hexdigest()

    @api.model
    def _codes_per_hour(self):
        # sudo: a system parameter, read for an anonymous visitor.
        value = self.env["ir.config_parameter"].sudo().get_param(
            CODES_PER_HOUR_PARAM)
        try:
            return int(value) if value else CODES_PER_HOUR
        except ValueError:
            return CODES_PER_HOUR

    @api.model
    def _codes_sent_last_hour(self, account):
        """Codes (not links) started for ``account`` within the hour; the
        same query runs without an account, so that the work is the same."""
        self.env.cr.execute(
            "SELECT count(*) FROM educonnect_verification "
            "WHERE account_model = %s AND account_id = %s AND NOT is_link "
            "AND create_date > (now() at time zone 'UTC') - interval '1 hour'",
            [account._name if account else "", account.id if account else 0])
        return self.env.cr.fetchone()[0]

    @api.model
    def _start(self, purpose, channel, destination, account=None, link=False):
        """A new verification, its delivery queued. Without ``account`` the
        verification can never succeed and nothing is sent (the person
        asking gets the same screens, in the same time, either way). Past
        the codes allowed per account and per hour, the same happens: the
        person asking cannot tell."""
        sent = self._codes_sent_last_hour(account)
        if account and not link and sent >= self._codes_per_hour():
            _logger.info("Code not sent: %s codes within the hour for %s %s",
                         sent, account._name, account.id)
            account = None
        expiry = datetime.timedelta(days=LINK_DAYS) if link \
            else datetime.timedelta(minutes=CODE_MINUTES)
        # sudo: only the superuser reads or writes verifications (the
        # visitor asking is anonymous). The job is queued as the superuser
        # too, so that it reads the account and sends the mail: its
        # methods below need no sudo of their own.
        record = self.sudo().create({
            "purpose": purpose, "channel": channel, "is_link": link,
            "destination": destination,
            "account_model": account._name if account else False,
            "account_id": account.id if account else 0,
            "expiry": fields.Datetime.to_string(
                datetime.datetime.utcnow() + expiry),
        })
        # Sent by the job runner as soon as the request commits.
        record.with_delay(priority=5, max_retries=5, description=_(
            "EduConnect: send a verification"))._job_deliver()
        return record

    @api.multi
    def _educonnect_draw_secret(self):
        """Draw the code (or link token) being sent now and keep its HMAC
        only. A code sent again replaces the previous one, with fresh tries."""
        self.ensure_one()
        secret = secrets.token_urlsafe(32) if self.is_link \
            else "%06d" % secrets.randbelow(1000000)
        # sudo: called while the mail leaves (mail.mail), by whoever sends
        # the queue; only the superuser writes verifications.
        self.sudo().write({"secret_hash": self._hash(secret), "attempts": 0})
        return secret

    def _account(self):
        """The account the verification is for, as the superuser's record
        (the one who proves the code is not signed in), or None."""
        self.ensure_one()
        if not self.account_model or not self.account_id:
            return None
        # sudo: the holder proving the code is anonymous (see docstring).
        account = self.env[self.account_model].sudo().browse(self.account_id).exists()
        return account or None

    @api.multi
    def _check_secret(self, secret):
        """The account this secret proves, or None. Each try counts; after
        5 wrong tries or the expiry the verification is dead. Single use.
        Called on the superuser's record (the one the caller found it by)."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT attempts, done, expiry < (now() at time zone 'UTC') "
            "FROM educonnect_verification WHERE id = %s FOR UPDATE", [self.id])
        attempts, done, expired = self.env.cr.fetchone()
        attempts = attempts or 0
        if done or expired or attempts >= MAX_ATTEMPTS or not self.secret_hash:
            return None
        ok = hmac.compare_digest(self.secret_hash, self._hash(secret or ""))
        self.write({"attempts": attempts + 1, "done": bool(ok)})
        return self._account() if ok else None

    @api.model
    def _from_link(self, purpose, secret):
        """The live link verification holding this secret (or empty)."""
        if not secret or len(secret) > 100:
            return self.browse()
        # sudo: the visitor following the link is anonymous; only the
        # secret's HMAC finds the verification.
        return self.sudo().search([
            ("purpose", "=", purpose), ("secret_hash", "=", self._hash(secret)),
            ("done", "=", False),
            ("expiry", ">", fields.Datetime.now())], limit=1)

    # -- sending ------------------------------------------------------------
    @job(default_channel="root")
    @api.multi
    def _job_deliver(self):
        """Send the code (or link) through the verification's channel (run
        as the superuser, who queued it in ``_start``)."""
        verification = self.exists()
        if not verification or not verification._account() \
                or verification.done:
            return _("Nothing to send.")
        if verification.purpose == "login_reminder":
            return verification._deliver_login()
        if verification.channel == "sms":
            text = _("EduConnect: your verification code is %s. It is valid "
                     "for %d minutes. Never give it to anyone.") % (
                verification._educonnect_draw_secret(), CODE_MINUTES)
            try:
                self.env["educonnect.sms.gateway"]._send_sms(
                    verification.destination, text)
            except UserError:
                # The gateway logged why; the job tries again later.
                raise RetryableJobError("SMS not sent", seconds=60)
            return _("SMS sent.")
        base_url = self.env["ir.config_parameter"].get_param(
            "web.base.url", "").rstrip("/")
        template = self.env.ref("educonnect_accounts.mail_template_verification")
        mail_id = template.with_context(
            lang="fr_FR",
            verification_code=None if verification.is_link else SECRET_PLACEHOLDER,
            verification_url="%s/educonnect/confirm-email?token=%s" % (
                base_url, SECRET_PLACEHOLDER),
            minutes=CODE_MINUTES).send_mail(verification.id, email_values={
                "email_to": verification.destination,
                "email_from": verification._account().company_id
                ._educonnect_mail_from(),
                "educonnect_res_model": self._name,
                "educonnect_res_id": verification.id})
        # Sent here and now (no wait for the mail queue); a failure is
        # retried by the mail queue (see mail.mail).
        self.env["mail.mail"].browse(mail_id).send()
        return _("E-mail processed.")

    def _deliver_login(self):
        """« Identifiant oublié ? »: the identifiant (no secret: it is
        printed on the lists) to the holder's confirmed address or mobile."""
        account = self._account()
        if self.channel == "sms":
            try:
                self.env["educonnect.sms.gateway"]._send_sms(
                    self.destination, _(
                        "EduConnect: your login is %s. If you did not ask "
                        "for it, ignore this message.") % account.login)
            except UserError:
                raise RetryableJobError("SMS not sent", seconds=60)
            return _("SMS sent.")
        template = self.env.ref("educonnect_accounts.mail_template_login_reminder")
        mail_id = template.with_context(
            lang="fr_FR", educonnect_login=account.login).send_mail(
                self.id, email_values={
                    "email_to": self.destination,
                    "email_from": account.company_id._educonnect_mail_from(),
                    "educonnect_res_model": self._name,
                    "educonnect_res_id": self.id})
        self.env["mail.mail"].browse(mail_id).send()
        return _("E-mail processed.")

    @api.model
    def _gc(self):
        """Forget finished and expired verifications (scheduled daily, as
        the superuser)."""
        self.search([
            "|", ("done", "=", True),
            ("expiry", "<", fields.Datetime.to_string(
                datetime.datetime.utcnow() - datetime.timedelta(days=1)))]).unlink()
