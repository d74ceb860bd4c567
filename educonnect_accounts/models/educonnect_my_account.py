"""« Mon compte EduConnect » and « Mes coordonnées »: what the portal shows
a signed-in pupil or guardian of their own account (and a guardian of each
child's), and the changes they make to it — only what EduConnect needs:
the e-mail address (confirmed by a link sent to it), a guardian's mobile
number, the password. The controller (``controllers/portal.py``) reads the
form and shows the answer; every change asks for the current password,
whose failures count in the sign-in throttling (``res.users.check``)."""
import re

import phonenumbers

from odoo import _, api, models
from odoo.exceptions import AccessDenied

from .educonnect_account_mixin import ACCOUNT_MODELS
from .educonnect_verification import normalise_mobile

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def readable_mobile(e164):
    """« 06 12 34 56 78 » for a French number (as SIECLE and the staff
    write it), the international form otherwise."""
    parsed = phonenumbers.parse(e164, "FR")
    style = phonenumbers.PhoneNumberFormat.NATIONAL \
        if phonenumbers.region_code_for_number(parsed) == "FR" \
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def _label(record, field):
    """The French label of a selection field's value."""
    french = record.with_context(lang="fr_FR")
    selection = dict(french._fields[field]._description_selection(french.env))
    return selection.get(record[field], "")


class EduconnectMyAccount(models.AbstractModel):
    _name = "educonnect.my.account"
    _description = "EduConnect: the holder's own account"

    @api.model
    def _mine(self):
        """The signed-in user's pupil or guardian account (the superuser's
        record), or None."""
        for model in ACCOUNT_MODELS.values():
            # sudo: pupils and guardians may not read the account models
            # (nor their children's classes); narrowed to their own account.
            account = self.env[model].sudo().search(
                [("user_id", "=", self.env.uid)], limit=1)
            if account:
                return account
        return None

    @api.model
    def _summary(self, account):
        """What « Mon compte EduConnect » shows of ``account``."""
        is_guardian = account._name == ACCOUNT_MODELS["guardian"]
        children = []
        if is_guardian:
            for link in account.link_ids.filtered(lambda l: l.student_id.active):
                pupil = link.student_id
                children.append({
                    "name": pupil.name, "class": pupil.class_id.name or "",
                    "state": pupil.state, "state_label": _label(pupil, "state"),
                    "locked": pupil.educonnect_locked,
                })
        return {
            "login": account.login, "establishment": account.company_id.name,
            "state": _label(account, "state"),
            "email": account.email, "email_confirmed": account.email_confirmed,
            "is_guardian": is_guardian,
            "mobile": account.mobile if is_guardian else None,
            "mobile_confirmed": account.mobile_confirmed if is_guardian else None,
            "children": children,
        }

    @api.model
    def _update(self, account, form):
        """Apply « Mes coordonnées »: (errors by field, notices, the
        verification of a new mobile number or None). Nothing changes
        unless the current password is right and every field is valid."""
        errors = self._check_form(account, form)
        if errors:
            return errors, [], None
        try:
            self.env["res.users"].check(self.env.cr.dbname, self.env.uid,
                                        form.get("current_password") or "")
        except AccessDenied:
            return {"current_password": _(
                "Your current password is wrong.")}, [], None
        notices, verification = [], None
        email = (form.get("email") or "").strip().lower()
        if email != (account.email or "").strip().lower():
            account.write({"email": email or False, "email_confirmed": False})
            if email:
                self.env["educonnect.verification"]._start(
                    "confirm_email", "email", email, account, link=True)
                notices.append(_("A link has been sent to %s: follow it to "
                                 "confirm this address.") % email)
            else:
                notices.append(_("Your e-mail address is removed."))
        if "mobile" in form and account._name == ACCOUNT_MODELS["guardian"]:
            verification = self._update_mobile(account, form.get("mobile"))
            if verification:
                notices.append(_("A code has been sent by SMS to your new "
                                 "number: type it below to confirm it."))
        if form.get("new_password"):
            # As the signed-in user (env.user is the superuser's record):
            # Odoo checks the current password of self._uid.
            self.env["res.users"].change_password(form["current_password"],
                                                  form["new_password"])
            notices.append(_("Your password is changed."))
        return {}, notices, verification

    @api.model
    def _check_form(self, account, form):
        errors = {}
        if not form.get("current_password"):
            errors["current_password"] = _(
                "Give your current password to save these changes.")
        email = (form.get("email") or "").strip()
        if email and not EMAIL_RE.match(email):
            errors["email"] = _("This e-mail address is not valid.")
        mobile = (form.get("mobile") or "").strip()
        if mobile and not normalise_mobile(mobile):
            errors["mobile"] = _("This mobile number is not valid.")
        if form.get("new_password"):
            error = self.env["educonnect.signin"]._password_error(
                form["new_password"], form.get("confirm") or "", account.login)
            if error:
                errors["new_password"] = error
        return errors

    @api.model
    def _update_mobile(self, account, mobile):
        """A new number is saved unconfirmed, and a code goes to it by SMS
        (recovery by SMS waits for it). Returns the verification, or None
        when the number did not change."""
        mobile = normalise_mobile((mobile or "").strip()) if mobile else False
        if mobile == normalise_mobile(account.mobile or ""):
            return None
        account.write({"mobile": readable_mobile(mobile) if mobile else False,
                       "mobile_confirmed": False})
        if not mobile:
            return None
        return self.env["educonnect.verification"]._start(
            "confirm_mobile", "sms", mobile, account)

    @api.model
    def _confirm_mobile(self, account, verification_id, code, address):
        """The SMS code proving the account's new mobile number: None if it
        is confirmed, else the error (the wrong code counted for the
        identifiant and the address, as on every code page)."""
        signin = self.env["educonnect.signin"]
        verification = signin._verification(verification_id)
        proven = None
        if verification and verification.purpose == "confirm_mobile" \
                and not signin._locked(account.login, address):
            proven = verification._check_secret(code)
        if proven != account \
                or verification.destination != normalise_mobile(account.mobile or ""):
            signin._count_failure(account.login, address)
            return signin._code_error()
        account.write({"mobile_confirmed": True})
        return None
