"""The decisions of the public sign-in flows: first sign-in with the letter,
activation link, guardian self-registration (auto-inscription), password
recovery. The controllers read the form, keep the step under way in the
session and show the answer; here: whom the letter or the token opens, which
guardian a self-registration matches, where a recovery code goes, the
throttling, and what is written once the holder is proven.

- Failures count in the shared throttling (per identifiant and address); a
  wrong code counts for the identifiant it was sent for, too.
- Self-registration and recovery never tell whether an account exists, and
  an unknown account costs the work a known one costs (same checks, same
  writes; the code's delivery runs later, in a job).
- Nothing about an account changes before its holder proved who they are
  (the letter, an activation link or a code).

The callers are anonymous visitors (the public user): the accounts they name
are searched as the superuser, each time for the reason given beside it;
the accounts ``educonnect.verification._account`` hands back already are the
superuser's records.
"""
import datetime
import re
import time
import unicodedata

from odoo import _, api, fields, models

from .educonnect_account_mixin import ACCOUNT_MODELS as _POPULATION_MODELS
from .educonnect_auth_throttle import EduconnectAuthThrottle
from .educonnect_verification import mask_destination, normalise_mobile

#: A step under way (letter sign-in, code) is forgotten after this delay.
PENDING_MINUTES = 30
ACCOUNT_MODELS = tuple(_POPULATION_MODELS.values())


def fold(text):
    """Names compared as people type them: no accents, case, hyphens,
    apostrophes or double spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[-'’\s]+", " ", text.casefold())
    return text.strip()


class EduconnectSignin(models.AbstractModel):
    _name = "educonnect.signin"
    _description = "EduConnect sign-in flows"

    # -- throttling and the chosen password --------------------------------
    @api.model
    def _locked(self, login=None, address=None):
        """The identifiant (if any) or the address is locked (counters on a
        cursor of their own)."""
        return EduconnectAuthThrottle.check_locked(
            self.env.registry, login or None, address)

    @api.model
    def _count_failure(self, login=None, address=None):
        EduconnectAuthThrottle.record_failure(self.env.registry, login or None,
                                              address)

    @api.model
    def _code_error(self):
        return _("The code is wrong or has expired.")

    @api.model
    def _password_error(self, password, confirm, login):
        """The form's two passwords against the chosen-password rule of
        ``res.users`` (which refuses them anyway when they are set): an
        error message in the visitor's language, or None."""
        if password != confirm:
            return _("The two passwords are different.")
        return self.env["res.users"]._educonnect_password_error(password, login)

    # -- first sign-in with the letter --------------------------------------
    @api.model
    def _letter_account(self, login, password, address):
        """The account the letter's identifiant and provisional password open
        (not locked, password right, letter not expired), or None; a success
        clears the identifiant's failures. A failure is counted by
        ``res.users._login``, which Odoo's login page calls next."""
        if self._locked(login, address):
            return None
        account = self.env["educonnect.student"]._educonnect_provisional_account(
            login, password)
        if account:
            EduconnectAuthThrottle.record_success(self.env.registry, login)
        return account or None

    @api.model
    def _token_account(self, token):
        """The account a valid activation link's token opens, or None."""
        for model in ("educonnect.guardian", "educonnect.student"):
            # sudo: the visitor is not signed in yet; the token proves the
            # account (and the page shows its identifiant).
            account = self.env[model].sudo()._educonnect_from_token(token)
            if account:
                return account
        return None

    @api.model
    def _pending_account(self, pending):
        """The account whose first sign-in ``pending`` (the session's) holds,
        while it is recent and the letter is the same, or None."""
        if not pending or pending.get("model") not in ACCOUNT_MODELS \
                or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
            return None
        # sudo: the visitor proved the letter of this account (its
        # identifiant and provisional password) but has no user yet.
        account = self.env[pending["model"]].sudo().browse(pending["id"]).exists()
        if not account or account.state not in ("notified", "activating") \
                or account._educonnect_fingerprint() != pending["fp"]:
            return None
        return account

    @api.model
    def _first_login_send_code(self, account, email):
        """Guardians confirm an address first: a code goes to it (the
        password is chosen with the code); the account is « En cours
        d'activation ». Returns the verification."""
        verification = self.env["educonnect.verification"]._start(
            "activation", "email", email, account)
        account._educonnect_mark_activating()
        return verification

    @api.model
    def _first_login_activate(self, account, password, email=None):
        """Pupils choose their password at once; an address they give is
        confirmed later, by a link mailed to it."""
        account._educonnect_activate(password, email=email or None,
                                     email_confirmed=False if email else None)
        if email:
            self.env["educonnect.verification"]._start(
                "confirm_email", "email", email, account, link=True)

    @api.model
    def _first_login_code(self, account, verification_id, code, password,
                          address):
        """A guardian's code and chosen password: the account activated
        with the confirmed address, or the error to show (the wrong code
        counted for the identifiant and the address)."""
        verification = self._verification(verification_id)
        proven = None if self._locked(account.login, address) \
            else verification._check_secret(code)
        if proven != account:
            self._count_failure(account.login, address)
            return self._code_error()
        account._educonnect_activate(password, email=verification.destination,
                                     email_confirmed=True)
        return None

    @api.model
    def _confirm_email(self, token):
        """The address of the link's account confirmed, if the link is
        valid and the address still the account's. Returns True if so."""
        verification = self.env["educonnect.verification"]._from_link(
            "confirm_email", token)
        account = verification._check_secret(token) if verification else None
        if account and account.email == verification.destination:
            account.write({"email_confirmed": True})
            return True
        return False

    # -- codes shared by self-registration and recovery ----------------------
    @api.model
    def _verification(self, verification_id):
        """The verification a step of the session is about (or empty)."""
        if not verification_id:
            return self.env["educonnect.verification"].browse()
        # sudo: nobody but the superuser reads verifications; the id comes
        # from the visitor's own session (server-side), where the step that
        # started it put it.
        return self.env["educonnect.verification"].sudo().browse(
            verification_id).exists()

    @api.model
    def _check_code(self, verification, code, password, confirm, address):
        """(account proven, error) for a submitted code and chosen password.
        A wrong code counts for the address and for the identifiant the
        code was sent for: asking for new codes gives no fresh tries."""
        if not verification:
            return None, self._code_error()
        account = verification._account()
        login = account.login if account else ""
        error = self._password_error(password, confirm, login)
        if error:
            return None, error
        proven = None if self._locked(login, address) \
            else verification._check_secret(code)
        if not proven:
            self._count_failure(login, address)
            return None, self._code_error()
        return proven, None

    # -- guardian self-registration (auto-inscription) -----------------------
    @api.model
    def _self_registration_request(self, values, address):
        """A code on its way to the guardian matching the form, if any and
        not activated yet; the same verification (that can never succeed)
        otherwise. Every request counts for the address, known guardian or
        not (same answer, same work); the account does not change before
        the code is proven. Returns (verification, masked destination)."""
        guardian, channel, destination = (None, None, None) \
            if self._locked(address=address) else self._find_guardian(values)
        if guardian and guardian.state == "activated":
            guardian = None  # already has an account: nothing to send
        self._count_failure(address=address)
        contact = (values.get("contact") or "").strip()
        verification = self.env["educonnect.verification"]._start(
            "self_registration", channel or "email", destination or contact,
            guardian)
        return verification, mask_destination(destination or contact)

    @api.model
    def _find_guardian(self, values):
        """(guardian, channel, destination): the guardian account matching
        what the person typed (names, a child's names and birth date, the
        e-mail or mobile the school holds), or None."""
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
        # sudo: the visitor is anonymous; every establishment's pupils born
        # that day are compared, and nothing of them is shown.
        pupils = self.env["educonnect.student"].sudo().search([
            ("birth_date", "=", fields.Date.to_string(birth_date))])
        pupils = pupils.filtered(
            lambda p: fold(p.last_name) == fold(values.get("child_last_name"))
            and fold(p.first_name) == fold(values.get("child_first_name")))
        for link in pupils.mapped("guardian_link_ids"):
            if self._guardian_matches(link, values, channel, destination):
                return link.guardian_id, channel, destination
        return None, channel, destination

    @api.model
    def _guardian_matches(self, link, values, channel, destination):
        """The link's guardian is a legal guardian (level 1 or 2), active,
        of these names, and the school holds this address or mobile."""
        guardian = link.guardian_id
        if link.legal_level not in ("1", "2") or not guardian.active:
            return False
        if fold(guardian.last_name) != fold(values.get("last_name")) \
                or fold(guardian.first_name) != fold(values.get("first_name")):
            return False
        known = (guardian.email or "").strip().lower() if channel == "email" \
            else normalise_mobile(guardian.mobile)
        return bool(known) and known == destination

    @api.model
    def _self_registration_finish(self, account, verification, password):
        """The code proved the e-mail or mobile: it is confirmed and the
        account activated by its holder (origin « Responsable »)."""
        confirmed = {"email_confirmed": True} if verification.channel == "email" \
            else {"mobile_confirmed": True}
        account.write(confirmed)
        account._educonnect_activate(password, origin="self_registration")

    # -- forgotten password ---------------------------------------------------
    @api.model
    def _recoverable(self, login):
        """(account, channel, destination) to send a recovery code to: an
        activated account with a confirmed e-mail, or a guardian's
        confirmed mobile; (None, None, None) otherwise."""
        for model in ACCOUNT_MODELS:
            # sudo: the visitor is anonymous and only typed an identifiant;
            # they are told nothing of the account.
            account = self.env[model].sudo().search([
                *self.env[model]._educonnect_login_domain(login),
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

    @api.model
    def _recovery_request(self, login, address):
        """A recovery code on its way, if the identifiant has a confirmed
        channel; the same verification (that can never succeed) otherwise.
        Every request counts for the address (same answer, same work)."""
        account, channel, destination = (None, None, None) \
            if self._locked(address=address) else self._recoverable(login)
        self._count_failure(address=address)
        return self.env["educonnect.verification"]._start(
            "recovery", channel or "email", destination or "", account)

    @api.model
    def _recovery_finish(self, account, password):
        """The code proved the holder: their portal user gets the new
        password, which ends every other session of the user (Odoo derives
        session tokens from the password hash); traced, and the
        identifiant's failures cleared."""
        account.user_id.write({"password": password})
        account._educonnect_trace("recovery", company=account.company_id)
        EduconnectAuthThrottle.record_success(self.env.registry, account.login)
