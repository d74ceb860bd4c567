"""Activation of an account by its holder: the first sign-in with the
letter (a pupil chooses a password at once; a guardian first confirms an
e-mail address with a code), the single-use activation link e-mailed to a
guardian, and the link confirming a pupil's e-mail address. The decisions
are ``educonnect.signin``'s; here the form is read, the step under way kept
in the session (record ids and a fingerprint, never a secret) and the
answer shown."""
import re
import time

import werkzeug.utils

from odoo import _, http
from odoo.http import request

from ..models.educonnect_auth_throttle import remote_address
from ..models.educonnect_verification import mask_destination
from .common import french, render, resend_wait, sign_in, signin

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EduconnectActivation(http.Controller):

    # -- first sign-in with the letter ------------------------------------------
    def _pending(self):
        """(account, pending step) of the first sign-in under way, or
        (None, None)."""
        pending = request.session.get("educonnect_first_login")
        account = signin()._pending_account(pending)
        return (account, pending) if account else (None, None)

    def _first_login_page(self, account, **values):
        values.update({
            "login": account.login,
            "is_guardian": account._name == "educonnect.guardian",
        })
        return render("first_login_page", values)

    @http.route("/educonnect/first-login", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def first_login(self, **kwargs):
        account, pending = self._pending()
        if not account:
            return werkzeug.utils.redirect("/web/login", 303)
        if pending.get("verification"):
            return self._first_login_page(
                account, step="code", masked=pending.get("masked"),
                resend_wait=resend_wait(pending))
        return self._first_login_page(account, step="start",
                                      email=pending.get("email"))

    @http.route("/educonnect/first-login", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def first_login_submit(self, password="", confirm="", email="", **kwargs):
        french()
        account, pending = self._pending()
        if not account:
            return werkzeug.utils.redirect("/web/login", 303)
        email = (email or "").strip()
        if email and not EMAIL_RE.match(email):
            return self._first_login_page(
                account, step="start", email=email, error_field="email",
                error=_("This e-mail address is not valid."))
        if account._name == "educonnect.guardian":
            return self._guardian_send_code(account, pending, email)
        error = signin()._password_error(password, confirm, account.login)
        if error:
            return self._first_login_page(account, step="start", email=email,
                                          error=error, error_field="password")
        signin()._first_login_activate(account, password, email=email)
        request.session.pop("educonnect_first_login", None)
        request.env.cr.commit()
        return sign_in(account.login, password)

    def _guardian_send_code(self, account, pending, email):
        """Guardians confirm an address first: a code goes to it; the
        password is chosen with the code."""
        if not email:
            return self._first_login_page(
                account, step="start", error_field="email",
                error=_("Give your e-mail address: a code will be sent to it."))
        verification = signin()._first_login_send_code(account, email)
        pending.update(verification=verification.id, email=email,
                       masked=mask_destination(email), at=time.time())
        request.session["educonnect_first_login"] = pending
        return self._first_login_page(account, step="code",
                                      masked=pending["masked"],
                                      resend_wait=resend_wait(pending))

    @http.route("/educonnect/first-login/resend", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def first_login_resend(self, **kwargs):
        """« Renvoyer le code »: after the wait, a new code to the same
        address (under the limits of a first code)."""
        french()
        account, pending = self._pending()
        if not account or not pending.get("verification"):
            return werkzeug.utils.redirect("/web/login", 303)
        wait = resend_wait(pending)
        if wait:
            return self._first_login_page(
                account, step="code", masked=pending["masked"],
                resend_wait=wait, error=_(
                    "Please wait %d seconds before asking for a new code.") % wait)
        verification = signin()._resend_code(
            "activation", signin()._verification(pending["verification"]),
            remote_address())
        pending.update(verification=verification.id, at=time.time())
        request.session["educonnect_first_login"] = pending
        return self._first_login_page(
            account, step="code", masked=pending["masked"],
            resend_wait=resend_wait(pending),
            message=_("A new code has been sent. Only the last code received "
                      "works."))

    @http.route("/educonnect/first-login/change-address", type="http",
                auth="public", methods=["GET"], sitemap=False)
    def first_login_change_address(self, **kwargs):
        """« Changer d'adresse »: back to the address, before any code is
        confirmed. The session forgets the code sent (it can no longer be
        typed here); the next one counts in the codes of the hour."""
        french()
        account, pending = self._pending()
        if not account:
            return werkzeug.utils.redirect("/web/login", 303)
        pending.update(verification=None, masked=None)
        request.session["educonnect_first_login"] = pending
        return self._first_login_page(account, step="start",
                                      email=pending.get("email"))

    @http.route("/educonnect/first-login/code", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def first_login_code(self, code="", password="", confirm="", **kwargs):
        french()
        account, pending = self._pending()
        if not account or not pending.get("verification"):
            return werkzeug.utils.redirect("/web/login", 303)
        error = signin()._password_error(password, confirm, account.login)
        field = "password"
        if not error:
            error = signin()._first_login_code(
                account, pending["verification"], code, password,
                remote_address())
            field = "code"
            if error:
                request.env.cr.commit()  # the wrong attempt counts
        if error:
            return self._first_login_page(
                account, step="code", masked=pending["masked"], error=error,
                error_field=field, resend_wait=resend_wait(pending))
        request.session.pop("educonnect_first_login", None)
        request.env.cr.commit()
        return sign_in(account.login, password)

    @http.route("/educonnect/confirm-email", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def confirm_email(self, token=None, **kwargs):
        french()
        if signin()._confirm_email(token):
            return render("message_page", {
                "title": _("E-mail address confirmed"),
                "message": _("Your e-mail address is confirmed: you can now "
                             "recover your password yourself if you forget it.")})
        return render("message_page", {
            "title": _("E-mail address not confirmed"), "error": True,
            "message": _("This link is no longer valid: it has already been "
                         "used or has expired.")})

    # -- the activation link e-mailed to a guardian -------------------------------
    def _link_page(self, values):
        french()
        return request.render("educonnect_accounts.activation_page", values)

    @http.route("/educonnect/activation", type="http", auth="public",
                methods=["GET"], website=False, sitemap=False)
    def activation_form(self, token=None, **kwargs):
        account = signin()._token_account(token)
        if not account:
            return self._link_page({"invalid": True})
        return self._link_page({"token": token, "login": account.login})

    @http.route("/educonnect/activation", type="http", auth="public",
                methods=["POST"], website=False, sitemap=False)
    def activation_submit(self, token=None, password="", confirm="", **kwargs):
        french()
        account = signin()._token_account(token)
        if not account:
            return self._link_page({"invalid": True})
        error = signin()._password_error(password, confirm, account.login)
        if error:
            return self._link_page({"token": token, "login": account.login,
                                    "error": error})
        account._educonnect_activate(password, email_confirmed=True)
        request.env.cr.commit()
        return sign_in(account.login, password)
