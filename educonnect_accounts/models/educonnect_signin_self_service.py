"""The holder's ways back when something goes wrong, on the public pages:
how long a locked identifiant waits (« Trop de tentatives »), a code sent
again (« Renvoyer le code »: a new code under the limits of a first one)
and the forgotten identifiant (« Identifiant oublié ? »). Same rules as
``educonnect.signin``: nothing tells whether an account exists, and an
unknown one costs the same work."""
from odoo import _, api, models

from .educonnect_auth_throttle import EduconnectAuthThrottle
from .educonnect_signin import ACCOUNT_MODELS
from .educonnect_verification import normalise_mobile

#: A new code may be asked this long after the last one (a setting): the
#: time an e-mail or SMS takes to arrive; the codes per hour stay capped.
RESEND_SECONDS_PARAM = "educonnect.code_resend_seconds"
RESEND_SECONDS = 60


class EduconnectSigninSelfService(models.AbstractModel):
    _inherit = "educonnect.signin"

    @api.model
    def _lock_message(self, login):
        """The message telling the visitor that the identifiant is locked
        and for how long, or None. Counters exist for unknown identifiants
        too, so the message is the same whether or not the account exists.
        (A locked address keeps the answer of a wrong password: a school's
        pupils share it, and an attacker trying many identifiants from it
        learns nothing.)"""
        if not login:
            return None
        seconds = EduconnectAuthThrottle.lock_seconds(self.env.registry, login)
        if not seconds:
            return None
        minutes = max(1, (seconds + 59) // 60)
        return _("Too many failed attempts: signing in with this login is "
                 "blocked for %d more minute(s). Try again later, or ask your "
                 "establishment to unlock your account.") % minutes

    @api.model
    def _resend_seconds(self):
        # sudo: a system parameter, read for an anonymous visitor.
        value = self.env["ir.config_parameter"].sudo().get_param(
            RESEND_SECONDS_PARAM)
        try:
            return int(value) if value else RESEND_SECONDS
        except ValueError:
            return RESEND_SECONDS

    @api.model
    def _resend_code(self, purpose, verification, address):
        """A new code for the verification's account and address, under the
        limits of a first one (codes per account and hour, the address's
        counter); the code sent before dies. A verification that can never
        succeed gets another one, at the same cost. Returns the new
        verification."""
        account = None
        if verification and not self._locked(address=address):
            account = verification._account()
        self._count_failure(address=address)
        if verification:
            verification.write({"done": True})
        return self.env["educonnect.verification"]._start(
            purpose,
            verification.channel if verification else "email",
            verification.destination if verification else "", account)

    # -- forgotten identifiant -------------------------------------------------
    @api.model
    def _login_reminder_request(self, contact, address):
        """« Identifiant oublié ? »: the identifiant of each activated
        account whose confirmed e-mail (or a guardian's confirmed mobile) is
        ``contact`` goes there; otherwise one reminder that can never leave,
        so that the answer and the work are the same. Counts for the
        address like a recovery request; the reminders of an account count
        in its codes of the hour."""
        contact = (contact or "").strip()
        found = [] if self._locked(address=address) \
            else self._accounts_reached_by(contact)
        self._count_failure(address=address)
        verifications = self.env["educonnect.verification"]
        for account, channel, destination in found or [(None, "email", contact)]:
            verifications |= verifications._start(
                "login_reminder", channel, destination, account)
        return verifications

    @api.model
    def _accounts_reached_by(self, contact):
        """[(account, channel, destination)]: activated accounts whose
        confirmed e-mail address, or guardian's confirmed mobile, is
        ``contact`` (at most 5: a family shares an address)."""
        if "@" in contact:
            channel, destination = "email", contact.lower()
            domain = [("email", "=ilike", destination),
                      ("email_confirmed", "=", True)]
        else:
            channel, destination = "sms", normalise_mobile(contact)
            if not destination:
                return []
            domain = [("id", "in", self._guardians_with_mobile(destination)),
                      ("mobile_confirmed", "=", True)]
        found = []
        for model in ACCOUNT_MODELS:
            if channel == "sms" and model != "educonnect.guardian":
                continue
            # sudo: the visitor is anonymous and only typed an address;
            # they are told nothing of the accounts.
            accounts = self.env[model].sudo().search(
                domain + [("state", "=", "activated"), ("user_id", "!=", False)],
                limit=5)
            if channel == "sms":
                accounts = accounts.filtered(
                    lambda a: normalise_mobile(a.mobile) == destination)
            found += [(account, channel, destination) for account in accounts]
        return found[:5]

    @api.model
    def _guardians_with_mobile(self, mobile):
        """Ids of the guardians whose mobile, however it was typed (SIECLE
        keeps « 06 12 34 56 78 »), is ``mobile`` (E.164)."""
        digits = mobile.lstrip("+")[-9:]
        self.env.cr.execute(
            "SELECT id, mobile FROM educonnect_guardian WHERE mobile IS NOT NULL "
            "AND regexp_replace(mobile, '[^0-9]', '', 'g') LIKE %s",
            ["%" + digits])
        return [row[0] for row in self.env.cr.fetchall()
                if normalise_mobile(row[1]) == mobile]
