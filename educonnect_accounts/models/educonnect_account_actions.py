"""The account actions of the guide, on the accounts themselves: who may run
them and where, and what each does to an account (3.2-3.5, 4.2-4.4).

Part of ``educonnect.account.mixin`` (see that file for the cut). The
actions run as the staff member: their reads go through the access rights
and the record rules. Only what staff may never write themselves is written
by the system: the encrypted provisional password, and the account's own
fields (state, origin, dates), which the field guard keeps from any client;
those rows keep the staff member as their last writer.

An action runs in an establishment: the one chosen at the moment, or the
one given (a background batch started in another one). The record rules
then see that establishment (``ir.rule``, context ``educonnect_company_id``)
once the role held there has been checked.
"""
from dateutil.relativedelta import relativedelta
from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.crypto import decrypt_secret, encrypt_secret
from ..tools.passwords import generate_provisional_password
from .educonnect_account_mixin import ACTION_ROLES, PASSWORD_MASK


class EduconnectAccountActions(models.AbstractModel):
    _inherit = "educonnect.account.mixin"

    # -- who may act, and where ------------------------------------------------

    def _educonnect_company(self):
        """The establishment the action runs in (see the module's doc)."""
        company_id = self.env.context.get("educonnect_company_id")
        if company_id:
            return self.env["res.company"].browse(company_id)
        return self.env.user.company_id

    def _educonnect_in_company(self, company):
        """These accounts, with the record rules seeing ``company`` as the
        user's establishment (nothing changes when it is the current one)."""
        if not company or company == self._educonnect_company():
            return self
        return self.with_context(educonnect_company_id=company.id)

    def _check_educonnect_action(self, action, company=None):
        """The user may run ``action`` on these accounts in ``company``
        (default: where the action runs), or AccessError. Returns these
        accounts, acting in that establishment."""
        accounts = self._educonnect_in_company(company)
        company = accounts._educonnect_company()
        accounts.check_access_rights("read")
        if self.env.uid == SUPERUSER_ID:
            return accounts
        user = self.env.user
        # The establishment must be one the user holds, with the role in
        # it, and the accounts must all belong to it. As the system: the
        # rule on companies shows the user their current one only, and the
        # accounts' establishment is what is being checked.
        if company not in user.sudo().company_ids \
                or not user._educonnect_has_role(ACTION_ROLES[action], company) \
                or accounts.sudo().mapped("company_id") - company:
            raise AccessError(_("You are not allowed to do this on EduConnect "
                                "accounts."))
        accounts.check_access_rule("read")
        return accounts

    # -- writes of the actions ---------------------------------------------------

    def _educonnect_action_write(self, vals):
        """Write what an action changes on the account itself (state,
        origin, dates), once checked by :meth:`_check_educonnect_action`.
        The guard keeps these fields from staff, and troubleshooting agents
        may not write accounts at all: the system writes them, and the rows
        keep the staff member as their last writer (« Dernière mise à jour
        par »).

        One UPDATE with the staff member as ``write_uid``, rather than the
        ORM's write as superuser followed by a second UPDATE of
        ``write_uid``: a second version of every row (and of its trigram
        index entries) cost a fifth of a whole notification. These are
        plain stored columns with no inverse; the cache and the fields
        computed from them are told as the ORM's ``_write`` tells them."""
        if not self:
            return
        fnames = list(vals)
        columns = []
        for name in fnames:
            field = self._fields[name]
            assert field.store and field.column_type and not field.inverse, name
            if field.type == "selection" and vals[name]:
                self._check_selection_field_value(name, vals[name])
            columns.append((name, field.convert_to_column(vals[name], self)))
        touched = fnames + ["write_uid", "write_date"]
        self.modified(touched)
        self.env.cr.execute(sql.SQL(
            "UPDATE {} SET {}, write_uid = %s, "
            "write_date = now() at time zone 'UTC' WHERE id = ANY(%s)").format(
                sql.Identifier(self._table),
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(n))
                                   for n, _value in columns)),
            [value for _name, value in columns] + [self.env.uid, self.ids])
        self.invalidate_cache(touched, self.ids)
        self.modified(touched)
        self.recompute()

    @api.multi
    def _set_new_provisional_passwords(self):
        """Draw, encrypt and store a new provisional password for each account.

        Returns {id: clear password} for the caller that prints them; the
        clear value is never stored, logged or sent anywhere else.
        """
        clear = {rec_id: generate_provisional_password() for rec_id in self.ids}
        ids = list(clear)
        self.env.cr.execute(sql.SQL(
            "UPDATE {} AS t SET provisional_password_crypt = v.crypt, "
            "write_uid = %s, write_date = now() at time zone 'UTC' "
            "FROM unnest(%s::int[], %s::varchar[]) AS v(id, crypt) "
            "WHERE t.id = v.id").format(sql.Identifier(self._table)),
            [self.env.uid, ids, [encrypt_secret(clear[i]) for i in ids]])
        self.invalidate_cache(["provisional_password_crypt",
                               "provisional_password"], ids)
        return clear

    def _educonnect_secrets(self):
        """{id: (state, encrypted provisional password, notification date)}.
        The encrypted value is a system-only field: read by the system for
        the action checked (never shown)."""
        return {r["id"]: (r["state"], r["provisional_password_crypt"],
                          r["notification_date"])
                # System-only field, for the action checked by the caller.
                for r in self.sudo().read(["state", "provisional_password_crypt",
                                           "notification_date"])}

    def _educonnect_expiry(self, today):
        months = self._educonnect_company().educonnect_letter_validity_months
        return today + relativedelta(months=months or 3)

    @api.multi
    def _revoke_chosen_passwords(self):
        """The password chosen at activation stops working at once: the
        portal user's hash is removed, which also ends its open sessions
        (Odoo derives the session token from it)."""
        users = self.mapped("user_id")
        if users:
            self.env.cr.execute(
                "UPDATE res_users SET password = NULL, password_crypt = NULL "
                "WHERE id IN %s", [tuple(users.ids)])
            users.invalidate_cache()
            # The session token of each user is cached: drop it with them.
            self.env["res.users"].clear_caches()

    def _educonnect_check_readable(self, crypts, clear):
        """A provisional password stored but unreadable (the encryption key
        changed: database restored on another server) must not print as an
        activated account's letter: say so and what to do."""
        lost = [i for i, crypt in crypts.items() if crypt and not clear.get(i)]
        if lost:
            raise UserError(_(
                "The provisional password of %d account(s) can no longer be "
                "read: the server's encryption key changed (database restored "
                "on another server?). Put the original key back "
                "(educonnect_secret_key in the Odoo configuration), or reset "
                "the password of these accounts (« Modifier les comptes ») to "
                "print new letters.") % len(lost))

    # -- the rules of the guide ----------------------------------------------------

    @api.multi
    def _educonnect_notify(self, reset=False, company=None):
        """(Re)notify the accounts, exactly as sections 3.2 and 4.2 say.

        - « Non notifié »: an identifiant (if none) and a provisional
          password; the account becomes « Notifié et non activé ».
        - « Notifié et non activé » / « En cours d'activation »: the
          provisional password is kept (a new one only if there is none) and
          the account is « Notifié et non activé ».
        - « Activé »: the password chosen by the holder is not touched and
          the account stays « Activé ».
        With ``reset``, every account gets a new provisional password and is
        « Notifié et non activé » (see :meth:`_educonnect_reset_passwords`).

        Returns {account id: password to print}: the provisional password,
        or False for an activated account (the letter then recalls the
        identifiant only). Nothing is hashed and no user is created here.
        """
        accounts = self._check_educonnect_action("notify", company)
        if reset:
            return accounts._educonnect_reset_passwords(_action="notify",
                                                        _notified=True)
        accounts._assign_logins()
        today = fields.Date.from_string(fields.Date.context_today(self))
        secrets = accounts._educonnect_secrets()
        activated = accounts.browse(
            [i for i, row in secrets.items() if row[0] == "activated"])
        pending = accounts - activated
        crypts = {i: secrets[i][1] for i in pending.ids}
        printed = {i: decrypt_secret(crypts[i]) for i in pending.ids}
        accounts._educonnect_check_readable(crypts, printed)
        printed.update(pending.browse(
            [i for i in pending.ids if not crypts[i]])
            ._set_new_provisional_passwords())
        printed.update({a.id: False for a in activated})
        pending._educonnect_action_write({
            "state": "notified", "origin": "school",
            "notification_date": fields.Date.to_string(today),
            "letter_expiry_date": fields.Date.to_string(
                accounts._educonnect_expiry(today))})
        activated._educonnect_action_write(
            {"notification_date": fields.Date.to_string(today)})
        return printed

    @api.multi
    def _educonnect_reset_passwords(self, _action="reset", _notified=False,
                                    company=None):
        """Reset passwords (3.4, 4.4): a new provisional password for each
        account; « Non notifié » accounts become « Notifié et non activé »;
        an activated account's chosen password stops working at once and the
        account is « Notifié et non activé » until its holder activates again.
        """
        accounts = self._check_educonnect_action(_action, company)
        accounts._assign_logins()
        today = fields.Date.from_string(fields.Date.context_today(self))
        today_str = fields.Date.to_string(today)
        secrets = accounts._educonnect_secrets()
        accounts.browse([i for i, row in secrets.items()
                         if row[0] == "activated"])._revoke_chosen_passwords()
        printed = accounts._set_new_provisional_passwords()
        vals = {"state": "notified",
                "letter_expiry_date": fields.Date.to_string(
                    accounts._educonnect_expiry(today))}
        first_time = accounts.browse(
            [i for i, row in secrets.items() if not row[2]])
        if _notified:
            accounts._educonnect_action_write(
                dict(vals, notification_date=today_str, origin="school"))
        else:
            (accounts - first_time)._educonnect_action_write(vals)
            first_time._educonnect_action_write(
                dict(vals, notification_date=today_str, origin="school"))
        return printed

    @api.multi
    def _educonnect_list_password(self, company=None):
        """The password column of the lists (3.3, 4.3): the provisional
        password for « Notifié et non activé », asterisks for « Activé » and
        « En cours d'activation », empty for « Non notifié »."""
        accounts = self._check_educonnect_action("list", company)
        secrets = accounts._educonnect_secrets()
        crypts = {i: row[1] for i, row in secrets.items() if row[0] == "notified"}
        clear = {i: decrypt_secret(c) for i, c in crypts.items()}
        accounts._educonnect_check_readable(crypts, clear)
        result = {}
        for account_id, (state, _crypt, _date) in secrets.items():
            if state == "notified":
                result[account_id] = clear[account_id] or ""
            elif state in ("activated", "activating"):
                result[account_id] = PASSWORD_MASK
            else:
                result[account_id] = ""
        return result
