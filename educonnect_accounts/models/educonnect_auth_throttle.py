"""Throttling of sign-in attempts, per identifiant and per address.

One row per key (``login:<identifiant>`` or ``addr:<IP address>``) counts the
failures since the last success; past a threshold the key is locked for a
delay that doubles with each further failure. The counters are written on a
cursor of their own, so a failed attempt is counted even though the request
that made it rolls back.

Why not only OCA ``auth_brute_force``: it bans an address (or address + login)
for good until an administrator lifts the ban, does not count per identifiant
across addresses, and only sees Odoo's own login methods, not the activation,
self-registration and recovery pages. Here one policy is shared by every
channel: ``/web/login``, JSON-RPC and XML-RPC authentication (``res.users``),
the provisional-password activation and the one-time codes.
"""
import logging
import threading

from psycopg2 import sql

import odoo
from odoo import api, fields, models

from .educonnect_account_mixin import ACCOUNT_MODELS

_logger = logging.getLogger(__name__)

DEFAULTS = {
    # An identifiant is locked after 10 failures: enough for a holder's
    # typos, far too few to guess a password.
    "educonnect.throttle_login_max": 10,
    # An address serves a whole school behind its NAT: a few pupils' typos
    # must not lock it, so its threshold is far higher and its counter
    # forgets failures older than the window.
    "educonnect.throttle_address_max": 100,
    "educonnect.throttle_address_window": 900,
    # First lock delay in seconds, doubled at each failure past the
    # threshold, never more than the maximum.
    "educonnect.throttle_delay": 60,
    "educonnect.throttle_max_delay": 3600,
}


def remote_address():
    """The address of the client of the current request, whatever the
    channel (HTTP routes have ``request``; XML-RPC only the WSGI environ,
    kept per thread by the patch below)."""
    request = odoo.http.request
    try:
        if request and request.httprequest:
            return request.httprequest.remote_addr or ""
    except RuntimeError:  # outside of a request
        pass
    environ = getattr(threading.current_thread(), "educonnect_environ", None)
    return (environ or {}).get("REMOTE_ADDR", "")


def _patch_wsgi_environ():
    """Keep the WSGI environ of each request on its thread, for XML-RPC."""
    from odoo.service import wsgi_server
    original = wsgi_server.application_unproxied
    if getattr(original, "_educonnect_patched", False):
        return

    def application_unproxied(environ, start_response):
        threading.current_thread().educonnect_environ = environ
        try:
            return original(environ, start_response)
        finally:
            threading.current_thread().educonnect_environ = None

    application_unproxied._educonnect_patched = True
    wsgi_server.application_unproxied = application_unproxied


class EduconnectAuthThrottle(models.Model):
    _name = "educonnect.auth.throttle"
    _description = "Sign-in throttling"
    _log_access = False
    _order = "last_failure desc"

    key = fields.Char(required=True, readonly=True)
    login = fields.Char(string="Login", readonly=True, index=True)
    address = fields.Char(readonly=True)
    failures = fields.Integer(string="Failed attempts", readonly=True)
    last_failure = fields.Datetime(string="Last failure", readonly=True)
    locked_until = fields.Datetime(string="Locked until", readonly=True)

    _sql_constraints = [("key_unique", "UNIQUE(key)",
                         "One counter per identifiant or address.")]

    @api.model_cr
    def _register_hook(self):
        _patch_wsgi_environ()
        return super(EduconnectAuthThrottle, self)._register_hook()

    # -- keys -----------------------------------------------------------
    @staticmethod
    def _login_key(login):
        return "login:%s" % (login or "").strip().lower()

    @staticmethod
    def _address_key(address):
        return "addr:%s" % address

    def _param(self, name):
        # Always on the superuser's environment of _with_env.
        value = self.env["ir.config_parameter"].get_param(name)
        try:
            return int(value) if value else DEFAULTS[name]
        except ValueError:
            return DEFAULTS[name]

    # -- checks, on a cursor of their own --------------------------------
    @classmethod
    def _with_env(cls, registry, func):
        # As the superuser: the counters are nobody's to read, and the
        # attempts come from visitors not signed in (every method below
        # runs on this environment).
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            return func(env[cls._name])

    @api.model
    def _locked(self, login=None, address=None):
        """True when the identifiant or the address is locked now."""
        keys = []
        if login:
            keys.append(self._login_key(login))
        if address:
            keys.append(self._address_key(address))
        if not keys:
            return False
        self.env.cr.execute(
            "SELECT 1 FROM educonnect_auth_throttle WHERE key IN %s "
            "AND locked_until > (now() at time zone 'UTC') LIMIT 1",
            [tuple(keys)])
        return bool(self.env.cr.fetchone())

    @api.model
    def _lock_seconds(self, login=None, address=None):
        """Seconds left before the identifiant (and the address) may try
        again, 0 when neither is locked. The counters are kept per typed
        identifiant, known or not: the answer tells nothing of whether the
        account exists."""
        keys = [k for k in (login and self._login_key(login),
                            address and self._address_key(address)) if k]
        if not keys:
            return 0
        self.env.cr.execute(
            "SELECT max(extract(epoch FROM locked_until - (now() at time zone 'UTC'))) "
            "FROM educonnect_auth_throttle WHERE key IN %s "
            "AND locked_until > (now() at time zone 'UTC')", [tuple(keys)])
        seconds = self.env.cr.fetchone()[0]
        return int(seconds + 0.999) if seconds else 0

    @api.model
    def _failure(self, login=None, address=None):
        """Count a failure for the identifiant and the address; lock what
        passes its threshold. Returns True if the identifiant got locked
        by this failure."""
        newly_locked = False
        delay = self._param("educonnect.throttle_delay")
        max_delay = self._param("educonnect.throttle_max_delay")
        todo = []
        if login:
            todo.append((self._login_key(login), login.strip().lower(), None,
                         self._param("educonnect.throttle_login_max"), None))
        if address:
            todo.append((self._address_key(address), None, address,
                         self._param("educonnect.throttle_address_max"),
                         self._param("educonnect.throttle_address_window")))
        for key, key_login, key_address, maximum, window in todo:
            # A window forgets old failures (addresses); identifiants keep
            # counting until a success.
            self.env.cr.execute(sql.SQL("""
                INSERT INTO educonnect_auth_throttle
                    (key, login, address, failures, last_failure)
                VALUES (%(key)s, %(login)s, %(address)s, 1, now() at time zone 'UTC')
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE
                        WHEN %(window)s::int IS NOT NULL
                         AND educonnect_auth_throttle.last_failure
                             < (now() at time zone 'UTC') - make_interval(secs => %(window)s::int)
                        THEN 1 ELSE educonnect_auth_throttle.failures + 1 END,
                    last_failure = EXCLUDED.last_failure
                RETURNING failures"""), {
                    "key": key, "login": key_login, "address": key_address,
                    "window": window})
            failures = self.env.cr.fetchone()[0]
            if failures >= maximum:
                seconds = min(max_delay, delay * 2 ** min(failures - maximum, 20))
                self.env.cr.execute(
                    "UPDATE educonnect_auth_throttle SET locked_until = "
                    "(now() at time zone 'UTC') + make_interval(secs => %s) "
                    "WHERE key = %s", [seconds, key])
                if key_login and failures == maximum:
                    newly_locked = True
                _logger.warning("Sign-in locked for %ss: %s after %s failures",
                                seconds, key, failures)
        if newly_locked:
            self._trace_lock(login)
        return newly_locked

    @api.model
    def _success(self, login):
        """A success clears the identifiant's counter (not the address's)."""
        self.env.cr.execute(
            "DELETE FROM educonnect_auth_throttle WHERE key = %s",
            [self._login_key(login)])

    @api.model
    def _trace_lock(self, login):
        for model in ACCOUNT_MODELS.values():
            accounts = self.env[model].with_context(
                active_test=False).search(
                    self.env[model]._educonnect_login_domain(login))
            for account in accounts:
                account._educonnect_trace(
                    "lock", "%s" % self._param("educonnect.throttle_login_max"),
                    company=account.company_id)

    # -- class-level entry points used by res.users and the controllers -----
    @classmethod
    def check_locked(cls, registry, login=None, address=None):
        return cls._with_env(registry, lambda t: t._locked(login, address))

    @classmethod
    def lock_seconds(cls, registry, login=None, address=None):
        return cls._with_env(registry, lambda t: t._lock_seconds(login, address))

    @classmethod
    def record_failure(cls, registry, login=None, address=None):
        return cls._with_env(registry, lambda t: t._failure(login, address))

    @classmethod
    def record_success(cls, registry, login):
        return cls._with_env(registry, lambda t: t._success(login))
