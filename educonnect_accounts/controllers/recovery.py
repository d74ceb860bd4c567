"""Forgotten password (« Mot de passe oublié ? »): the identifiant typed, a
code goes to the account's confirmed e-mail address, or to a guardian's
confirmed mobile, and the holder chooses a new password with it. Forgotten
identifiant (« Identifiant oublié ? »): the confirmed e-mail or mobile
typed, the identifiant goes there. The channel's choice and the limits are
``educonnect.signin``'s; the pages never tell whether an account exists,
nor where the code went."""
from odoo import _, http
from odoo.http import request

from ..models.educonnect_auth_throttle import remote_address
from .common import (code_error_page, code_resend, code_step, code_verification, french,
                     render, sign_in, signin)


class EduconnectRecovery(http.Controller):

    @http.route("/educonnect/forgot-password", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def forgot_password(self, **kwargs):
        return render("forgot_password_page", {})

    @http.route("/educonnect/forgot-password", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def forgot_password_submit(self, login="", **kwargs):
        french()
        if not (login or "").strip():
            return render("forgot_password_page", {
                "error": _("Give your EduConnect login.")})
        verification = signin()._recovery_request(login, remote_address())
        # No address shown: it would tell that the account exists.
        return code_step("recovery", "", verification)

    @http.route("/educonnect/forgot-password/code", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def forgot_password_code(self, code="", password="", confirm="", **kwargs):
        french()
        verification = code_verification("recovery")
        account, error = signin()._check_code(verification, code, password,
                                              confirm, remote_address())
        if error:
            request.env.cr.commit()  # a wrong attempt counts
            return code_error_page("recovery", error)
        signin()._recovery_finish(account, password)
        request.session.pop("educonnect_code", None)
        request.env.cr.commit()
        return sign_in(account.login, password)

    @http.route("/educonnect/forgot-password/resend", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def recovery_resend(self, **kwargs):
        return code_resend("recovery")

    @http.route("/educonnect/forgot-login", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def forgot_login(self, **kwargs):
        return render("forgot_login_page", {})

    @http.route("/educonnect/forgot-login", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def forgot_login_submit(self, contact="", **kwargs):
        french()
        if not (contact or "").strip():
            return render("forgot_login_page", {
                "error": _("Give your e-mail address or mobile number."),
                "error_field": "contact"})
        signin()._login_reminder_request(contact, remote_address())
        return render("forgot_login_page", {"sent": True})
