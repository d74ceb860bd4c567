"""Odoo's login page, for staff, pupils and guardians: in French, redirecting
only to this site, one answer for every failure; the letter's identifiant and
provisional password open the activation screens and nothing else (the
session holds a pending activation — account, fingerprint of its
provisional password — and no user id, so every other route and RPC call
stays closed)."""
import time

import werkzeug.utils

from odoo import _, http
from odoo.addons.portal.controllers.web import Home
from odoo.addons.web.controllers.main import ensure_db
from odoo.http import request

from ..models.educonnect_auth_throttle import remote_address
from ..models.ir_http import rotate_session
from ..tools.redirects import local_redirect
from .common import french, signin


def login_failed_message():
    return _("Wrong login or password. If your letter is more than three "
             "months old, or if you still cannot sign in, ask your "
             "establishment.")


def _local(redirect):
    """``redirect`` if it leads to a page of this site, else None (the
    default page)."""
    return local_redirect(redirect, request.httprequest.host)


class EduconnectHome(Home):

    @http.route()
    def web_login(self, redirect=None, **kw):
        # Staff, pupils and guardians are French: so is the login page,
        # whatever the browser says.
        french()
        params = request.params
        # Only a page of this site, wherever Odoo (or auth_signup) reads it.
        redirect = _local(redirect)
        if redirect:
            params["redirect"] = redirect
        else:
            params.pop("redirect", None)
        if request.httprequest.method == "POST" and params.get("login") \
                and params.get("password"):
            ensure_db()
            letter = self._educonnect_letter(params["login"], params["password"])
            if letter:
                return letter
        response = super(EduconnectHome, self).web_login(redirect=redirect, **kw)
        qcontext = getattr(response, "qcontext", None)
        if qcontext is not None and qcontext.get("error") == _("Wrong login/password"):
            # One answer for every failure (unknown, wrong, expired); a
            # locked identifiant is told for how long, known or not (the
            # counters are kept per typed identifiant).
            qcontext["error"] = signin()._lock_message(params.get("login")) \
                or login_failed_message()
        return response

    def _educonnect_letter(self, login, password):
        """The first sign-in with the letter, when these are its identifiant
        and provisional password: a new session id holding the pending
        activation, on to the activation screens. Else None."""
        account = signin()._letter_account(login, password, remote_address())
        if not account:
            return None
        rotate_session(request.session)
        request.session["educonnect_first_login"] = {
            "model": account._name, "id": account.id,
            "fp": account._educonnect_fingerprint(),
            "at": time.time(), "verification": None,
        }
        return werkzeug.utils.redirect("/educonnect/first-login", 303)

    def _login_redirect(self, uid, redirect=None):
        return super(EduconnectHome, self)._login_redirect(
            uid, redirect=_local(redirect))
