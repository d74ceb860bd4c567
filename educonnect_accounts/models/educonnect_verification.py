"""One-time codes and links proving an e-mail address or a mobile number.

Used by the first sign-in of guardians (confirming their e-mail), the
self-registration of guardians (auto-inscription), the password recovery and
the confirmation of a pupil's e-mail. Only an HMAC of the secret is stored;
the secret travels once, in the e-mail (Odoo's mail queue, deleted once sent)
or the SMS. Nobody but the superuser reads this model.
"""
import datetime
import hashlib
import hmac
import logging
import secrets

import phonenumbers

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

CODE_MINUTES = 30
LINK_DAYS = 7
MAX_ATTEMPTS = 5


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
    ], required=True, readonly=True)
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")],
                               required=True, readonly=True)
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
        key = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(key.encode(), secret.strip().encode(),
                        hashlib.sha256).hexdigest()

    @api.model
    def _start(self, purpose, channel, destination, account=None, link=False):
        """A new verification. Returns (record, secret); the secret is not
        stored. Without ``account`` the verification can never succeed (the
        person asking gets the same screens either way)."""
        if link:
            secret = secrets.token_urlsafe(32)
            expiry = datetime.timedelta(days=LINK_DAYS)
        else:
            secret = "%06d" % secrets.randbelow(1000000)
            expiry = datetime.timedelta(minutes=CODE_MINUTES)
        record = self.sudo().create({
            "purpose": purpose, "channel": channel,
            "destination": destination,
            "account_model": account._name if account else False,
            "account_id": account.id if account else 0,
            "secret_hash": self._hash(secret),
            "expiry": fields.Datetime.to_string(
                datetime.datetime.utcnow() + expiry),
        })
        return record, secret

    def _account(self):
        self.ensure_one()
        if not self.account_model or not self.account_id:
            return None
        account = self.env[self.account_model].sudo().browse(self.account_id).exists()
        return account or None

    @api.multi
    def _check_secret(self, secret):
        """The account this secret proves, or None. Each try counts; after
        5 wrong tries or the expiry the verification is dead. Single use."""
        self.ensure_one()
        record = self.sudo()
        self.env.cr.execute(
            "SELECT attempts, done, expiry < (now() at time zone 'UTC') "
            "FROM educonnect_verification WHERE id = %s FOR UPDATE", [record.id])
        attempts, done, expired = self.env.cr.fetchone()
        attempts = attempts or 0
        if done or expired or attempts >= MAX_ATTEMPTS:
            return None
        ok = hmac.compare_digest(record.secret_hash, self._hash(secret or ""))
        record.write({"attempts": attempts + 1, "done": bool(ok)})
        return record._account() if ok else None

    @api.model
    def _from_link(self, purpose, secret):
        """The live link verification holding this secret (or empty)."""
        if not secret or len(secret) > 100:
            return self.browse()
        return self.sudo().search([
            ("purpose", "=", purpose), ("secret_hash", "=", self._hash(secret)),
            ("done", "=", False),
            ("expiry", ">", fields.Datetime.now())], limit=1)

    # -- sending ------------------------------------------------------------
    @api.multi
    def _send(self, secret, url=None):
        """Send the code (or link) through the verification's channel."""
        self.ensure_one()
        if self.channel == "sms":
            text = _("EduConnect: your verification code is %s. It is valid "
                     "for %d minutes. Never give it to anyone.") % (secret, CODE_MINUTES)
            self.env["educonnect.sms.gateway"]._send_sms(self.destination, text)
            return
        template = self.env.ref("educonnect_accounts.mail_template_verification")
        template.sudo().with_context(
            lang="fr_FR", verification_code=None if url else secret,
            verification_url=url, minutes=CODE_MINUTES).send_mail(
                self.id, email_values={"email_to": self.destination})

    @api.model
    def _gc(self):
        """Forget finished and expired verifications (scheduled daily)."""
        self.sudo().search([
            "|", ("done", "=", True),
            ("expiry", "<", fields.Datetime.to_string(
                datetime.datetime.utcnow() - datetime.timedelta(days=1)))]).unlink()
