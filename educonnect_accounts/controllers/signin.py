"""Sign-in side of the accounts: first sign-in with the letter, guardian
self-registration (auto-inscription), password recovery.

Rules (SECURITY.md P2, P3, P6, P7):
- The letter's identifiant and provisional password, typed on the platform's
  normal login page, open nothing but the activation screens: the session
  holds a pending activation (account, fingerprint of its provisional
  password), no user id, so every other route and RPC call stays closed.
- Every failure on the login page gets one answer (status and text), whether
  the identifiant is unknown, the password wrong, the letter expired or the
  account locked; self-registration and recovery never tell whether an
  account exists.
- Failures count in the shared throttling (per identifiant and address);
  a wrong code counts for the identifiant it was sent for, too.
- An unknown account costs the work a known one costs (same checks, same
  writes; the code's delivery runs later, in a job), so that the time of an
  answer tells nothing either.
- Nothing about an account changes before its holder proved who they are
  (the letter, an activation link or a code).
- The session id is renewed as soon as the holder is recognised; redirections
  only lead to this site.
- The session never holds a secret: record ids and a fingerprint only.
"""
import datetime
import logging
import re
import time
import unicodedata

import werkzeug.utils

from odoo import _, fields, http
from odoo.addons.portal.controllers.web import Home
from odoo.addons.web.controllers.main import ensure_db
from odoo.http import request

from ..models.educonnect_auth_throttle import EduconnectAuthThrottle, remote_address
from ..models.educonnect_verification import mask_destination, normalise_mobile
from ..models.ir_http import rotate_session
from ..tools.logins import exact_login_domain
from ..tools.redirects import local_redirect
from .activation import check_chosen_password

_logger = logging.getLogger(__name__)

PENDING_MINUTES = 30
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def login_failed_message():
    return _("Wrong login or password. If your letter is more than three "
             "months old, or if you still cannot sign in, ask your "
             "establishment.")


def _fold(text):
    """Names compared as people type them: no accents, case, hyphens,
    apostrophes or double spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[-'’\s]+", " ", text.casefold())
    return text.strip()


def _registry():
    return request.env.registry


def _address_locked():
    return EduconnectAuthThrottle.check_locked(_registry(), address=remote_address())


def _locked(login=None):
    """The identifiant (if any) or the address is locked."""
    return EduconnectAuthThrottle.check_locked(
        _registry(), login or None, remote_address())


def _count_failure(login=None):
    EduconnectAuthThrottle.record_failure(_registry(), login or None,
                                          remote_address())


def _french():
    """Pupils and guardians get the French screens of the guide."""
    request.context = dict(request.context, lang="fr_FR")


def _render(template, values=None):
    _french()
    response = request.render("educonnect_accounts.%s" % template, values or {})
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


def _sign_in(login, password):
    request.session.authenticate(request.session.db, login, password)
    return werkzeug.utils.redirect("/my", 303)


def _local(redirect):
    """``redirect`` if it leads to a page of this site, else None (the
    default page)."""
    return local_redirect(redirect, request.httprequest.host)


class EduconnectHome(Home):

    @http.route()
    def web_login(self, redirect=None, **kw):
        # Staff, pupils and guardians are French: so is the login page,
        # whatever the browser says.
        request.context = dict(request.context, lang="fr_FR")
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
            login = params["login"]
            if not EduconnectAuthThrottle.check_locked(
                    _registry(), login, remote_address()):
                account = request.env["educonnect.student"].sudo() \
                    ._educonnect_provisional_account(login, params["password"])
                if account:
                    EduconnectAuthThrottle.record_success(_registry(), login)
                    # The letter opens the activation: a new session id.
                    rotate_session(request.session)
                    request.session["educonnect_first_login"] = {
                        "model": account._name, "id": account.id,
                        "fp": account._educonnect_fingerprint(),
                        "at": time.time(), "verification": None,
                    }
                    return werkzeug.utils.redirect("/educonnect/first-login", 303)
        response = super(EduconnectHome, self).web_login(redirect=redirect, **kw)
        qcontext = getattr(response, "qcontext", None)
        if qcontext is not None and qcontext.get("error") == _("Wrong login/password"):
            # One answer for every failure (unknown, wrong, expired, locked).
            qcontext["error"] = login_failed_message()
        return response

    def _login_redirect(self, uid, redirect=None):
        return super(EduconnectHome, self)._login_redirect(
            uid, redirect=_local(redirect))


class EduconnectSignIn(http.Controller):

    # -- first sign-in with the letter ------------------------------------------
    def _pending(self):
        """The account whose first sign-in is under way, or None."""
        pending = request.session.get("educonnect_first_login")
        if not pending or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
            return None, None
        account = request.env[pending["model"]].sudo().browse(pending["id"]).exists()
        if not account or account.state not in ("notified", "activating") \
                or account._educonnect_fingerprint() != pending["fp"]:
            return None, None
        return account, pending

    def _first_login_page(self, account, **values):
        values.update({
            "login": account.login,
            "is_guardian": account._name == "educonnect.guardian",
        })
        return _render("first_login_page", values)

    @http.route("/educonnect/first-login", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def first_login(self, **kwargs):
        account, pending = self._pending()
        if not account:
            return werkzeug.utils.redirect("/web/login", 303)
        if pending.get("verification"):
            return self._first_login_page(
                account, step="code", masked=pending.get("masked"))
        return self._first_login_page(account, step="start")

    @http.route("/educonnect/first-login", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def first_login_submit(self, password="", confirm="", email="", **kwargs):
        request.context = dict(request.context, lang="fr_FR")
        account, pending = self._pending()
        if not account:
            return werkzeug.utils.redirect("/web/login", 303)
        email = (email or "").strip()
        if email and not EMAIL_RE.match(email):
            return self._first_login_page(
                account, step="start", email=email,
                error=_("This e-mail address is not valid."))
        if account._name == "educonnect.guardian":
            # Guardians confirm an address first: a code goes to it; the
            # password is chosen with the code.
            if not email:
                return self._first_login_page(
                    account, step="start",
                    error=_("Give your e-mail address: a code will be sent to it."))
            verification = request.env["educonnect.verification"].sudo()._start(
                "activation", "email", email, account)
            account._educonnect_mark_activating()
            pending.update(verification=verification.id,
                           masked=mask_destination(email), at=time.time())
            request.session["educonnect_first_login"] = pending
            return self._first_login_page(account, step="code",
                                          masked=pending["masked"])
        error = check_chosen_password(password, confirm, account.login)
        if error:
            return self._first_login_page(account, step="start", email=email,
                                          error=error)
        account._educonnect_activate(password, email=email or None,
                                     email_confirmed=False if email else None)
        if email:
            request.env["educonnect.verification"].sudo()._start(
                "confirm_email", "email", email, account, link=True)
        request.session.pop("educonnect_first_login", None)
        request.env.cr.commit()
        return _sign_in(account.login, password)

    @http.route("/educonnect/first-login/code", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def first_login_code(self, code="", password="", confirm="", **kwargs):
        request.context = dict(request.context, lang="fr_FR")
        account, pending = self._pending()
        if not account or not pending.get("verification"):
            return werkzeug.utils.redirect("/web/login", 303)
        error = check_chosen_password(password, confirm, account.login)
        if error:
            return self._first_login_page(account, step="code",
                                          masked=pending["masked"], error=error)
        verification = request.env["educonnect.verification"].sudo().browse(
            pending["verification"])
        proven = None if _locked(account.login) else verification._check_secret(code)
        if proven != account:
            request.env.cr.commit()  # the attempt counts
            _count_failure(account.login)
            return self._first_login_page(
                account, step="code", masked=pending["masked"],
                error=_("The code is wrong or has expired."))
        account._educonnect_activate(password, email=verification.destination,
                                     email_confirmed=True)
        request.session.pop("educonnect_first_login", None)
        request.env.cr.commit()
        return _sign_in(account.login, password)

    @http.route("/educonnect/confirm-email", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def confirm_email(self, token=None, **kwargs):
        _french()
        verification = request.env["educonnect.verification"].sudo()._from_link(
            "confirm_email", token)
        account = verification._check_secret(token) if verification else None
        if account and account.email == verification.destination:
            account.write({"email_confirmed": True})
            return _render("message_page", {
                "title": _("E-mail address confirmed"),
                "message": _("Your e-mail address is confirmed: you can now "
                             "recover your password yourself if you forget it.")})
        return _render("message_page", {
            "title": _("E-mail address not confirmed"), "error": True,
            "message": _("This link is no longer valid: it has already been "
                         "used or has expired.")})

    # -- codes shared by self-registration and recovery ----------------------------
    def _code_step(self, purpose, masked, verification, error=None):
        request.session["educonnect_code"] = {
            "purpose": purpose, "verification": verification.id,
            "masked": masked, "at": time.time()}
        return _render("code_page", {"purpose": purpose, "masked": masked,
                                     "error": error})

    def _code_pending(self, purpose):
        pending = request.session.get("educonnect_code")
        if not pending or pending.get("purpose") != purpose \
                or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
            return None, None
        return (request.env["educonnect.verification"].sudo().browse(
            pending["verification"]).exists(), pending)

    def _send_code(self, purpose, channel, destination, account):
        """The verification, its code on its way (to nobody without an
        account: same answer, same time)."""
        return request.env["educonnect.verification"].sudo()._start(
            purpose, channel, destination, account)

    def _check_code(self, purpose, code, password, confirm):
        """(account, verification, error) for a submitted code."""
        verification, pending = self._code_pending(purpose)
        if not verification:
            return None, None, _("The code is wrong or has expired.")
        account = verification._account()
        login = account.login if account else ""
        error = check_chosen_password(password, confirm, login)
        if error:
            return None, verification, error
        # A wrong code counts for the address and for the identifiant the
        # code was sent for: asking for new codes gives no fresh tries.
        proven = None if _locked(login) else verification._check_secret(code)
        if not proven:
            request.env.cr.commit()  # the attempt counts
            _count_failure(login)
            return None, verification, _("The code is wrong or has expired.")
        return proven, verification, None

    # -- guardian self-registration (auto-inscription) ------------------------------
    @http.route("/educonnect/self-registration", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def self_registration(self, **kwargs):
        return _render("self_registration_page", {})

    def _find_guardian(self, values):
        """The guardian account matching what the person typed, or None."""
        try:
            birth_date = datetime.datetime.strptime(
                values.get("child_birth_date") or "", "%Y-%m-%d").date()
        except ValueError:
            return None, None, None
        contact = (values.get("contact") or "").strip()
        if "@" in contact:
            channel, destination = "email", contact.lower()
        else:
            channel, destination = "sms", normalise_mobile(contact)
            if not destination:
                return None, None, None
        env = request.env
        pupils = env["educonnect.student"].sudo().search([
            ("birth_date", "=", fields.Date.to_string(birth_date))])
        pupils = pupils.filtered(
            lambda p: _fold(p.last_name) == _fold(values.get("child_last_name"))
            and _fold(p.first_name) == _fold(values.get("child_first_name")))
        for link in pupils.mapped("guardian_link_ids"):
            guardian = link.guardian_id
            if link.legal_level not in ("1", "2") or not guardian.active:
                continue
            if _fold(guardian.last_name) != _fold(values.get("last_name")) \
                    or _fold(guardian.first_name) != _fold(values.get("first_name")):
                continue
            known = (guardian.email or "").strip().lower() if channel == "email" \
                else normalise_mobile(guardian.mobile)
            if known and known == destination:
                return guardian, channel, destination
        return None, channel, destination

    @http.route("/educonnect/self-registration", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def self_registration_submit(self, **values):
        request.context = dict(request.context, lang="fr_FR")
        required = ("last_name", "first_name", "child_last_name",
                    "child_first_name", "child_birth_date", "contact")
        if not all((values.get(k) or "").strip() for k in required):
            return _render("self_registration_page", {
                "form": values, "error": _("Fill in every field.")})
        guardian, channel, destination = (None, None, None) if _address_locked() \
            else self._find_guardian(values)
        if guardian and guardian.state == "activated":
            guardian = None  # already has an account: nothing to send
        # Every request counts for the address, known guardian or not (same
        # answer, same work); the account itself does not change before the
        # code is proven.
        _count_failure()
        verification = self._send_code(
            "self_registration", channel or "email",
            destination or (values.get("contact") or "").strip(), guardian)
        masked = mask_destination(destination or values["contact"].strip())
        return self._code_step("self_registration", masked, verification)

    @http.route("/educonnect/self-registration/code", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def self_registration_code(self, code="", password="", confirm="", **kwargs):
        request.context = dict(request.context, lang="fr_FR")
        account, verification, error = self._check_code(
            "self_registration", code, password, confirm)
        if error:
            masked = (request.session.get("educonnect_code") or {}).get("masked", "")
            return _render("code_page", {"purpose": "self_registration",
                                         "masked": masked, "error": error})
        confirmed = {"email_confirmed": True} if verification.channel == "email" \
            else {"mobile_confirmed": True}
        account.sudo().write(confirmed)
        account._educonnect_activate(password, origin="self_registration")
        request.session.pop("educonnect_code", None)
        request.env.cr.commit()
        request.session.authenticate(request.session.db, account.login, password)
        return _render("message_page", {
            "title": _("Your EduConnect account is activated"),
            "message": _("Write down your login: you will need it to sign in."),
            "login": account.login, "continue_url": "/my"})

    # -- forgotten password -----------------------------------------------------
    @http.route("/educonnect/forgot-password", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def forgot_password(self, **kwargs):
        return _render("forgot_password_page", {})

    def _recoverable(self, login):
        """(account, channel, destination) to send a recovery code to."""
        for model in ("educonnect.student", "educonnect.guardian"):
            account = request.env[model].sudo().search([
                *exact_login_domain(login),
                ("state", "=", "activated"), ("user_id", "!=", False)], limit=1)
            if not account:
                continue
            if account.email_confirmed and account.email:
                return account, "email", account.email.strip().lower()
            if model == "educonnect.guardian" and account.mobile_confirmed:
                mobile = normalise_mobile(account.mobile)
                if mobile:
                    return account, "sms", mobile
        return None, None, None

    @http.route("/educonnect/forgot-password", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def forgot_password_submit(self, login="", **kwargs):
        request.context = dict(request.context, lang="fr_FR")
        if not (login or "").strip():
            return _render("forgot_password_page", {
                "error": _("Give your EduConnect login.")})
        account, channel, destination = (None, None, None) if _address_locked() \
            else self._recoverable(login)
        # Every request counts for the address, known account or not (same
        # answer, same work).
        _count_failure()
        verification = self._send_code("recovery", channel or "email",
                                       destination or "", account)
        # No address shown: it would tell that the account exists.
        return self._code_step("recovery", "", verification)

    @http.route("/educonnect/forgot-password/code", type="http", auth="public",
                methods=["POST"], sitemap=False)
    def forgot_password_code(self, code="", password="", confirm="", **kwargs):
        request.context = dict(request.context, lang="fr_FR")
        account, verification, error = self._check_code(
            "recovery", code, password, confirm)
        if error:
            return _render("code_page", {"purpose": "recovery", "masked": "",
                                         "error": error})
        # The new password ends every other session of the user (Odoo
        # derives session tokens from the password hash).
        account.user_id.sudo().write({"password": password})
        account.sudo()._educonnect_trace("recovery", company=account.company_id)
        EduconnectAuthThrottle.record_success(_registry(), account.login)
        request.session.pop("educonnect_code", None)
        request.env.cr.commit()
        return _sign_in(account.login, password)
