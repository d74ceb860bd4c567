"""Activation: links, the holder's activation, the provisional account of
a letter, sign-in locks.

Part of ``educonnect.account.mixin`` (see that file for the cut). These are
the methods the public pages call (controllers): they act for a visitor
proven by a token, a provisional password or a code, never for staff.
"""
import datetime
import hashlib
import hmac
import logging
import secrets

from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.crypto import decrypt_secret
from .educonnect_account_mixin import ACCOUNT_MODELS

_logger = logging.getLogger(__name__)


class EduconnectAccountActivation(models.AbstractModel):
    _inherit = "educonnect.account.mixin"

    educonnect_locked = fields.Boolean(
        string="Locked", compute="_compute_educonnect_locked",
        search="_search_educonnect_locked",
        help="Too many failed sign-in attempts: the account is locked for a "
             "while, or until the establishment unlocks it.")
    activation_token_hash = fields.Char(
        string="Activation link (hash)", readonly=True, copy=False,
        groups="base.group_system")
    activation_token_expiry = fields.Datetime(
        string="Activation link valid until", readonly=True, copy=False,
        groups="base.group_system")

    # -- activation links ---------------------------------------------------

    ACTIVATION_LINK_DAYS = 7

    @staticmethod
    def _token_hash(token):
        return hashlib.sha256(token.encode("ascii")).hexdigest()

    @api.multi
    def _educonnect_new_activation_tokens(self):
        """A single-use, expiring token per account; only its SHA-256 is
        stored. Returns {account id: token} for the links being sent."""
        tokens = {rec_id: secrets.token_urlsafe(32) for rec_id in self.ids}
        ids = list(tokens)
        expiry = fields.Datetime.to_string(
            datetime.datetime.utcnow()
            + datetime.timedelta(days=self.ACTIVATION_LINK_DAYS))
        self.env.cr.execute(sql.SQL(
            "UPDATE {} AS t SET activation_token_hash = v.h, "
            "activation_token_expiry = %s "
            "FROM unnest(%s::int[], %s::varchar[]) AS v(id, h) "
            "WHERE t.id = v.id").format(sql.Identifier(self._table)),
            [expiry, ids, [self._token_hash(tokens[i]) for i in ids]])
        self.invalidate_cache(["activation_token_hash",
                               "activation_token_expiry"], ids)
        return tokens

    @api.model
    def _educonnect_from_token(self, token):
        """The account a valid activation token belongs to (or empty)."""
        if not token or len(token) > 100:
            return self.browse()
        self.env.cr.execute(sql.SQL(
            "SELECT id FROM {} WHERE activation_token_hash = %s "
            "AND activation_token_expiry > now() at time zone 'UTC' "
            "AND state IN ('notified', 'activating') AND active").format(
                sql.Identifier(self._table)), [self._token_hash(token)])
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.multi
    def _educonnect_activate(self, password, origin=None, email=None,
                             email_confirmed=None):
        """The holder chose a password: the account is « Activé ».

        The portal user is created now (not at notification), or given the
        new password if it exists from an earlier activation; the provisional
        password and the activation token are erased. ``origin``: how the
        account was activated (« Établissement » by default, « Responsable »
        for a self-registration). ``email``: an address the holder gave.
        """
        self.ensure_one()
        # Called for a visitor proven by a token, a provisional password or
        # a code: nobody with rights on the account is signed in.
        account = self.sudo()
        if not account.login:
            account._assign_logins()
        values = {}
        if email:
            values["email"] = email
        if email_confirmed is not None:
            values["email_confirmed"] = email_confirmed
        if values:
            account.write(values)
        user = account._educonnect_portal_user(password)
        self.env.cr.execute(sql.SQL(
            "UPDATE {} SET provisional_password_crypt = NULL, "
            "activation_token_hash = NULL, activation_token_expiry = NULL "
            "WHERE id = %s").format(sql.Identifier(self._table)), [account.id])
        account.invalidate_cache()
        if not origin:
            origin = account.origin if account.origin != "unknown" else "school"
        account.write({
            "state": "activated", "user_id": user.id, "origin": origin,
            "last_login_date": fields.Datetime.now(),
        })
        # Traced as the holder's new user (the visitor was anonymous).
        account.sudo(user)._educonnect_trace(
            "self_registration" if origin == "self_registration" else "activation",
            company=account.company_id)
        return user

    def _educonnect_portal_user(self, password):
        """The account's portal user, created or given ``password``. Called
        on the account as the system (see :meth:`_educonnect_activate`)."""
        if self.user_id and (not self.user_id.share or (
                self.user_id.login or "").lower() != self.login.lower()):
            # Only this account's own portal user ever gets its password: a
            # link to any other user is refused, whoever made it.
            _logger.warning("Activation refused: account %s %s is linked to "
                            "user %s, which is not its portal user.",
                            self._name, self.id, self.user_id.id)
            raise AccessError(_("This account cannot be activated: ask the "
                                "establishment."))
        if self.user_id:
            self.user_id.write({"password": password, "active": True,
                                "email": self.email})
            return self.user_id
        # The user's partner is the holder's address book entry, nobody's
        # document: no « created » message in its chatter, no follower
        # (the activation's history is the account's trace, above). At a
        # rentrée evening those made a tenth of an activation's time
        # (``bin/bench storm``).
        return self.env["res.users"].with_context(
            no_reset_password=True, mail_create_nolog=True,
            mail_create_nosubscribe=True, tracking_disable=True).create({
            "name": self.name, "login": self.login,
            "password": password, "email": self.email,
            "company_id": self.company_id.id,
            "company_ids": [(6, 0, self.company_id.ids)],
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            "lang": "fr_FR", "tz": "Europe/Paris",
        })

    @api.model
    def _educonnect_provisional_account(self, login, password):
        """The account these letter credentials open, if the provisional
        password is right and the letter has not expired; else None."""
        if not login or not password or len(password) > 100:
            return None
        today = fields.Date.context_today(self)
        for model in ACCOUNT_MODELS.values():
            # Asked for a visitor who is not signed in; the comparison needs
            # the encrypted password, a system-only field.
            accounts = self.env[model].sudo().search([
                *self.env[model]._educonnect_login_domain(login),
                ("state", "in", ("notified", "activating")),
                ("provisional_password_crypt", "!=", False),
                "|", ("letter_expiry_date", "=", False),
                ("letter_expiry_date", ">=", today)])
            for account in accounts:
                clear = decrypt_secret(account.provisional_password_crypt)
                if clear and hmac.compare_digest(clear.encode(),
                                                 password.strip().encode()):
                    return account
        return None

    @api.multi
    def _educonnect_fingerprint(self):
        """Changes when the provisional password changes (a reset): a first
        sign-in under way stops at once. Not a secret: a hash of the
        ciphertext."""
        self.ensure_one()
        # The ciphertext is a system-only field; only its hash leaves.
        crypt = self.sudo().provisional_password_crypt or ""
        return hashlib.sha256(crypt.encode()).hexdigest()[:32]

    @api.multi
    def _educonnect_mark_activating(self):
        """A code is on its way to the holder: « En cours d'activation »."""
        # The state is the system's to write (a visitor proven by a code).
        self.sudo().filtered(lambda a: a.state in ("not_notified", "notified")) \
            .write({"state": "activating"})

    @api.multi
    def _educonnect_draw_secret(self):
        """The activation link's token of the mail leaving now, or None when
        the account no longer waits for one."""
        self.ensure_one()
        if not self.active or self.state not in ("notified", "activating"):
            return None
        # Called by the mail queue (the system) as the mail leaves; the
        # token's hash is a system-only field.
        return self.sudo()._educonnect_new_activation_tokens()[self.id]

    # -- sign-in locks (throttling) -------------------------------------------

    def _compute_educonnect_locked(self):
        logins = {r.id: (r.login or "").lower() for r in self}
        locked = set()
        if any(logins.values()):
            self.env.cr.execute(
                "SELECT login FROM educonnect_auth_throttle WHERE login IN %s "
                "AND locked_until > (now() at time zone 'UTC')",
                [tuple(l for l in logins.values() if l) or ("",)])
            locked = {row[0] for row in self.env.cr.fetchall()}
        for rec in self:
            rec.educonnect_locked = logins[rec.id] in locked

    def _search_educonnect_locked(self, operator, value):
        self.env.cr.execute(sql.SQL(
            "SELECT t.id FROM {} t JOIN educonnect_auth_throttle l "
            "ON l.login = lower(t.login) "
            "WHERE l.locked_until > (now() at time zone 'UTC')").format(
                sql.Identifier(self._table)))
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    @api.multi
    def action_educonnect_unlock(self):
        """Staff lift the lock of these accounts (traced)."""
        self._check_educonnect_action("reset")
        locked = self.filtered("educonnect_locked")
        if locked:
            self.env.cr.execute(
                "DELETE FROM educonnect_auth_throttle WHERE login IN %s",
                [tuple(a.login.lower() for a in locked)])
            locked._educonnect_trace("unlock")
            self.invalidate_cache(["educonnect_locked"])
        return True

