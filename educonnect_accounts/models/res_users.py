import logging

from odoo import api, models
from odoo.exceptions import AccessDenied

from .educonnect_auth_throttle import EduconnectAuthThrottle, remote_address

_logger = logging.getLogger(__name__)


class ResUsers(models.Model):
    _inherit = "res.users"

    # Every sign-in channel ends here: /web/login and JSON-RPC
    # (session.authenticate), XML-RPC common.login/authenticate.
    @classmethod
    def _login(cls, db, login, password):
        address = remote_address()
        if EduconnectAuthThrottle.check_locked(cls.pool, login, address):
            # Same outcome as a wrong password: the caller cannot tell.
            _logger.info("Login refused (throttled) for db:%s login:%s from %s",
                         db, login, address or "n/a")
            return False
        uid = super(ResUsers, cls)._login(db, login, password)
        if uid:
            EduconnectAuthThrottle.record_success(cls.pool, login)
        elif password:
            EduconnectAuthThrottle.record_failure(cls.pool, login, address)
        return uid

    # XML-RPC object calls check the password on each call.
    @classmethod
    def check(cls, db, uid, passwd):
        address = remote_address()
        with cls.pool.cursor() as cr:
            cr.execute("SELECT login FROM res_users WHERE id = %s", [uid])
            row = cr.fetchone()
        login = row[0] if row else None
        if login and EduconnectAuthThrottle.check_locked(cls.pool, login, address):
            raise AccessDenied()
        try:
            return super(ResUsers, cls).check(db, uid, passwd)
        except AccessDenied:
            EduconnectAuthThrottle.record_failure(cls.pool, login, address)
            raise

    @api.model
    def _update_last_login(self):
        """Each successful sign-in: the date of last connection the staff
        lists show (« Date de dernière connexion »)."""
        res = super(ResUsers, self)._update_last_login()
        for table in ("educonnect_student", "educonnect_guardian"):
            self.env.cr.execute(
                "UPDATE %s SET last_login_date = now() at time zone 'UTC' "
                "WHERE user_id = %%s" % table, [self.env.uid])
        return res
