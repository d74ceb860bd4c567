"""Guardian self-registration (« Je n'ai pas reçu mes identifiants »,
auto-inscription): names, a child's names and birth date, and the mobile
number or e-mail address the school holds; a code goes there, and the
guardian chooses a password with it. Matching the guardian and the limits
are ``educonnect.signin``'s; the page never tells whether someone matched."""
import datetime

from odoo import _, http
from odoo.http import request

from ..models.educonnect_auth_throttle import remote_address
from .common import (code_error_page, code_resend, code_step, code_verification, french,
                     render, signin)


FIELDS = ("last_name", "first_name", "child_last_name", "child_first_name",
          "child_birth_date", "contact")


def iso_date(text):
    """The birth date as the form asks for it (« 05/03/2012 », the French
    order, whatever the browser's language) or ISO, in ISO; else as typed
    (it then matches nobody)."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text


class EduconnectSelfRegistration(http.Controller):

    @http.route("/educonnect/self-registration", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def self_registration(self, **kwargs):
        return render("self_registration_page", {})

    @http.route("/educonnect/self-registration", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def self_registration_submit(self, **values):
        french()
        if not all((values.get(k) or "").strip() for k in FIELDS):
            return render("self_registration_page", {
                "form": values, "error": _("Fill in every field.")})
        verification, masked = signin()._self_registration_request(
            dict(values, child_birth_date=iso_date(values["child_birth_date"])),
            remote_address())
        return code_step("self_registration", masked, verification)

    @http.route("/educonnect/self-registration/code", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def self_registration_code(self, code="", password="", confirm="", **kwargs):
        french()
        verification = code_verification("self_registration")
        account, error = signin()._check_code(verification, code, password,
                                              confirm, remote_address())
        if error:
            request.env.cr.commit()  # a wrong attempt counts
            return code_error_page("self_registration", error)
        signin()._self_registration_finish(account, verification, password)
        request.session.pop("educonnect_code", None)
        request.env.cr.commit()
        request.session.authenticate(request.session.db, account.login, password)
        return render("message_page", {
            "title": _("Your EduConnect account is activated"),
            "message": _("Write down your login: you will need it to sign in."),
            "login": account.login, "continue_url": "/my"})

    @http.route("/educonnect/self-registration/resend", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def self_registration_resend(self, **kwargs):
        return code_resend("self_registration")
