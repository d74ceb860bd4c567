import datetime
import hashlib
import hmac
import io
import logging
import secrets

import psycopg2
from dateutil.relativedelta import relativedelta
from psycopg2 import sql
from PyPDF2 import PdfFileReader, PdfFileWriter

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..reports.pdf import render_standalone_pdf
from ..tools.crypto import decrypt_secret, encrypt_secret
from ..tools.logins import exact_login_domain, login_base, login_candidates
from ..tools.passwords import generate_provisional_password
from .mail_mail import SECRET_PLACEHOLDER

_logger = logging.getLogger(__name__)

ACCOUNT_STATES = [
    ("not_notified", "Not notified"),
    ("notified", "Notified, not activated"),
    ("activating", "Activation in progress"),
    ("activated", "Activated"),
]
# Same order as the tables of section 5 of the guide.
ACCOUNT_ORIGINS = [
    ("aten", "ATEN"),
    ("ent", "ENT"),
    ("school", "School"),
    ("franceconnect", "FranceConnect"),
    ("self_registration", "Guardian self-registration"),
    ("unknown", "Not provided"),
]

# Accounts activated through another path: re-notifying them "peut être
# très perturbant" (guide, 4.2), the wizards warn and offer to leave them out.
SENSITIVE_ORIGINS = ("franceconnect", "self_registration", "aten", "ent")
PASSWORD_MASK = "*****"

# Which role may run each account action, in the establishment chosen at the
# moment (on top of the read access to the accounts, which the record rules
# confine to that establishment).
ACTION_ROLES = {
    "notify": "manager",
    "list": "troubleshooter",
    "reset": "troubleshooter",
}
ACTION_GROUPS = {
    action: "educonnect_accounts.group_educonnect_" + role
    for action, role in ACTION_ROLES.items()}

# One table holds every identifiant in use, whatever the population and the
# establishment: its primary key on the lower-cased login makes identifiants
# unique case-insensitively across pupils and guardians, enforced by the
# database (a trigger on each account table keeps it in step, even for
# writes made in SQL).
_REGISTRY_DDL = """
CREATE TABLE IF NOT EXISTS educonnect_login_registry (
    login_key varchar PRIMARY KEY,
    owner_table varchar NOT NULL,
    owner_id integer NOT NULL
);
CREATE INDEX IF NOT EXISTS educonnect_login_registry_prefix_idx
    ON educonnect_login_registry (login_key varchar_pattern_ops);
CREATE OR REPLACE FUNCTION educonnect_login_registry_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND lower(NEW.login) IS NOT DISTINCT FROM lower(OLD.login) THEN
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.login IS NOT NULL THEN
        DELETE FROM educonnect_login_registry
         WHERE login_key = lower(OLD.login)
           AND owner_table = TG_TABLE_NAME AND owner_id = OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.login IS NOT NULL THEN
        INSERT INTO educonnect_login_registry (login_key, owner_table, owner_id)
        VALUES (lower(NEW.login), TG_TABLE_NAME, NEW.id);
    END IF;
    RETURN NEW;
END
$$;
"""


def delivery_label(self, state, date, error):
    """« Envoyé le 30/11/2026 à 14:05 », « En attente d'envoi », « Non
    remis : raison » (empty when no e-mail was sent). ``self``: the record
    shown (Odoo's ``_`` reads the language from it)."""
    if state == "sent" and date:
        local = fields.Datetime.context_timestamp(
            self, fields.Datetime.from_string(date))
        return _("Sent on %s") % local.strftime("%d/%m/%Y %H:%M")
    if state == "pending":
        return _("Waiting to be sent (another try: %s)") % error if error \
            else _("Waiting to be sent")
    if state == "failed":
        return _("Not delivered: %s") % (error or _("unknown error"))
    return ""


class EduconnectAccountMixin(models.AbstractModel):
    """The EduConnect account of a person (pupil or guardian).

    Holds the lifecycle shared by both populations: identifiant, state,
    origin, dates, e-mail and the encrypted provisional password.
    """
    _name = "educonnect.account.mixin"
    _inherit = ["educonnect.field.guard"]
    _description = "EduConnect account"

    # No b-tree index on last_name: with one, PostgreSQL answers a name
    # search of the list (ORDER BY last_name, first_name LIMIT 80) by walking
    # it in order and filtering every row before the first match (1.5 s over
    # 100,000 pupils) instead of using the trigram indexes and sorting the
    # matches (40 ms). See BENCHMARKS.md.
    last_name = fields.Char(string="Last name", required=True)
    first_name = fields.Char(string="First name", index=True)
    name = fields.Char(compute="_compute_name", store=True, index=True)
    login = fields.Char(string="Login", copy=False, index=True,
                        help="EduConnect identifiant, e.g. m.adam62.")
    state = fields.Selection(
        ACCOUNT_STATES, string="Account state", required=True, index=True,
        readonly=True, copy=False, default="not_notified")
    origin = fields.Selection(
        ACCOUNT_ORIGINS, string="Account origin", required=True, index=True,
        readonly=True, copy=False, default="unknown")
    notification_date = fields.Date(string="Notification date", readonly=True,
                                    copy=False)
    last_login_date = fields.Datetime(string="Last connection date",
                                      readonly=True, copy=False)
    email = fields.Char(string="E-mail")
    email_confirmed = fields.Boolean(
        string="E-mail confirmed", readonly=True, copy=False,
        help="The holder proved this address (code or link sent to it): "
             "they can recover their password themselves.")
    educonnect_locked = fields.Boolean(
        string="Locked", compute="_compute_educonnect_locked",
        search="_search_educonnect_locked",
        help="Too many failed sign-in attempts: the account is locked for a "
             "while, or until the establishment unlocks it.")
    provisional_password_crypt = fields.Char(
        string="Encrypted provisional password", readonly=True, copy=False,
        groups="base.group_system")
    provisional_password = fields.Char(
        string="Provisional password", compute="_compute_provisional_password",
        groups="educonnect_accounts.group_educonnect_troubleshooter",
        help="Shown only while the account is notified and not activated.")

    letter_expiry_date = fields.Date(
        string="Letter valid until", readonly=True, copy=False,
        help="The provisional password stops working after this date.")
    activation_token_hash = fields.Char(
        string="Activation link (hash)", readonly=True, copy=False,
        groups="base.group_system")
    activation_token_expiry = fields.Datetime(
        string="Activation link valid until", readonly=True, copy=False,
        groups="base.group_system")
    user_id = fields.Many2one(
        "res.users", string="Portal user", readonly=True, copy=False,
        ondelete="set null", index=True,
        help="Created when the holder activates the account.")
    # The last e-mail sent to the holder (activation link), as the SMTP
    # server answered (see mail.mail).
    email_delivery_state = fields.Selection(
        [("pending", "Waiting to be sent"), ("sent", "Sent"),
         ("failed", "Not delivered")], string="E-mail delivery",
        readonly=True, copy=False, index=True)
    email_delivery_date = fields.Datetime(string="E-mail sent on",
                                          readonly=True, copy=False)
    email_delivery_error = fields.Char(string="E-mail delivery error",
                                       readonly=True, copy=False)
    email_delivery_label = fields.Char(
        string="Activation e-mail", compute="_compute_email_delivery_label",
        help="How the last e-mail to the holder went: sent on…, waiting, or "
             "not delivered and why.")

    # Set by each concrete model.
    _educonnect_population = None

    @api.depends("email_delivery_state", "email_delivery_date",
                 "email_delivery_error")
    def _compute_email_delivery_label(self):
        for rec in self:
            rec.email_delivery_label = delivery_label(
                rec, rec.email_delivery_state, rec.email_delivery_date,
                rec.email_delivery_error)

    @api.depends("first_name", "last_name")
    def _compute_name(self):
        for rec in self:
            rec.name = " ".join(p for p in (rec.last_name, rec.first_name) if p)

    @api.depends("state")
    def _compute_provisional_password(self):
        notified = self.filtered(lambda r: r.state == "notified")
        crypts = {r["id"]: r["provisional_password_crypt"]
                  for r in notified.sudo().read(["provisional_password_crypt"])}
        for rec in self:
            rec.provisional_password = decrypt_secret(crypts.get(rec.id))

    # -- identifiants -----------------------------------------------------

    @api.model_cr
    def init(self):
        super().init()
        if self._abstract:
            return
        self.env.cr.execute(_REGISTRY_DDL)
        table = sql.Identifier(self._table)
        self.env.cr.execute(sql.SQL(
            "DROP TRIGGER IF EXISTS educonnect_login_registry ON {}").format(table))
        self.env.cr.execute(sql.SQL(
            "CREATE TRIGGER educonnect_login_registry "
            "AFTER INSERT OR UPDATE OF login OR DELETE ON {} "
            "FOR EACH ROW EXECUTE FUNCTION educonnect_login_registry_sync()"
        ).format(table))
        # Identifiants given before the trigger existed (or by an upgrade).
        self.env.cr.execute(sql.SQL(
            "INSERT INTO educonnect_login_registry (login_key, owner_table, owner_id) "
            "SELECT lower(login), %s, id FROM {} WHERE login IS NOT NULL "
            "ON CONFLICT DO NOTHING").format(table), [self._table])

    @api.model
    def _taken_logins(self, bases):
        """Identifiants in use that start with one of ``bases``."""
        if not bases:
            return set()
        patterns = [b + "%" for b in bases]
        self.env.cr.execute(
            "SELECT login_key FROM educonnect_login_registry "
            " WHERE login_key LIKE ANY(%s) "
            "UNION SELECT lower(login) FROM res_users WHERE lower(login) LIKE ANY(%s)",
            [patterns, patterns])
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _check_login_free(self, login, exclude=None):
        self.env.cr.execute(
            "SELECT owner_table, owner_id FROM educonnect_login_registry "
            "WHERE login_key = lower(%s)", [login])
        row = self.env.cr.fetchone()
        if row and not (exclude and row == (exclude._table, exclude.id)):
            raise ValidationError(
                _("The login %s is already used by another account.") % login)

    def _write_logins(self, logins_by_id):
        ids = list(logins_by_id)
        self.env.cr.execute(sql.SQL(
            "UPDATE {} AS t SET login = v.login "
            "FROM unnest(%s::int[], %s::varchar[]) AS v(id, login) "
            "WHERE t.id = v.id").format(sql.Identifier(self._table)),
            [ids, [logins_by_id[i] for i in ids]], log_exceptions=False)

    @api.multi
    def _assign_logins(self):
        """Give an identifiant to the accounts that have none.

        One query to read the identifiants in use, one bulk update. If a
        concurrent transaction took one of the chosen identifiants, the
        database refuses it and the next number is tried: never a
        duplicate, never an error shown to the user.
        """
        names = {r["id"]: r for r in self.read(["login", "first_name", "last_name"])
                 if not r["login"]}
        todo = self.browse(sorted(names))
        if not todo:
            return
        bases = {i: login_base(names[i]["first_name"], names[i]["last_name"])
                 for i in todo.ids}
        taken = self._taken_logins(set(bases.values()))
        chosen = {}
        for rec in todo:
            chosen[rec.id] = next(login_candidates(bases[rec.id], taken))
            taken.add(chosen[rec.id])
        try:
            with self.env.cr.savepoint():
                self._write_logins(chosen)
        except psycopg2.IntegrityError:
            for rec_id in sorted(chosen):
                candidates = login_candidates(bases[rec_id], taken)
                login = chosen[rec_id]
                while True:
                    try:
                        with self.env.cr.savepoint():
                            self._write_logins({rec_id: login})
                        break
                    except psycopg2.IntegrityError:
                        taken.add(login)
                        login = next(candidates)
                taken.add(login)
        todo.invalidate_cache(["login"], todo.ids)

    @api.model
    def create(self, vals):
        if vals.get("login"):
            vals["login"] = vals["login"].strip()
            self._check_login_free(vals["login"])
        record = super().create(vals)
        if not record.login and not self.env.context.get("educonnect_defer_logins"):
            record._assign_logins()
        return record

    #: What staff may change on an account over any path (form, import of
    #: the web client, RPC): the person's details. The account itself —
    #: identifiant, state, origin, dates, confirmations, the portal user,
    #: the establishment, the SIECLE key, archiving — changes only through
    #: the actions of the guide (which write as the system, traced) and the
    #: SIECLE import (SECURITY.md P16). Each model adds its own details.
    _educonnect_staff_writable = frozenset({"last_name", "first_name", "email"})

    def _educonnect_check_staff_write(self, vals):
        if self.env.uid == SUPERUSER_ID:
            return
        refused = set(vals) - self._educonnect_staff_writable
        if refused:
            labels = sorted(self._fields[name].get_description(self.env)["string"]
                            if name in self._fields else name for name in refused)
            raise AccessError(_("These fields of an EduConnect account cannot "
                                "be changed: %s. They change only through the "
                                "account actions and the SIECLE import.")
                              % ", ".join(labels))

    @api.multi
    def write(self, vals):
        self._educonnect_check_staff_write(vals)
        if vals.get("login"):
            vals["login"] = vals["login"].strip()
            for rec in self:
                self._check_login_free(vals["login"], exclude=rec)
        result = super().write(vals)
        # Odoo 11 checks the rules before a write only: an account must not
        # be moved to an establishment the user may not act in.
        self.check_access_rule("write")
        return result

    # -- provisional passwords --------------------------------------------

    #: Fields that show provisional passwords: every read or export of them
    #: by staff is traced (who, when, which accounts).
    _educonnect_password_fields = ("provisional_password",)

    def _educonnect_trace_password_view(self, field_names, how):
        if self.env.uid == SUPERUSER_ID or not self or not (
                set(field_names) & set(self._educonnect_password_fields)):
            return
        shown = self.sudo().filtered(lambda a: a.state == "notified")
        if shown:
            self.browse(shown.ids)._educonnect_trace("password_view", how)

    @api.multi
    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields=fields, load=load)
        self._educonnect_trace_password_view(fields or list(self._fields),
                                             _("Read"))
        return result

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        result = super().export_data(fields_to_export, raw_data=raw_data)
        self._educonnect_trace_password_view(
            [path.split("/")[0] for path in fields_to_export], _("Export"))
        return result

    @api.multi
    def _set_new_provisional_passwords(self, extra_sql_values=None):
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

    # -- account actions (guide 3.2-3.4, 4.2-4.4) -------------------------

    def _check_educonnect_action(self, action):
        """The user may run ``action`` on these accounts, or AccessError."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        if self.env.uid == SUPERUSER_ID:
            return
        user = self.env.user
        # The role must be held in the establishment chosen at the moment,
        # and the accounts must all belong to it.
        if not user.has_group(ACTION_GROUPS[action]) \
                or not user._educonnect_has_role(ACTION_ROLES[action]) \
                or self.sudo().mapped("company_id") - user.company_id:
            raise AccessError(_("You are not allowed to do this on EduConnect "
                                "accounts."))

    def _educonnect_expiry(self, today):
        months = self.env.user.company_id.educonnect_letter_validity_months
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

    @api.multi
    def _educonnect_notify(self, reset=False):
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
        self._check_educonnect_action("notify")
        if reset:
            return self._educonnect_reset_passwords(_action="notify",
                                                    _notified=True)
        accounts = self.sudo()  # staff act on accounts they may read (checked above)
        accounts._assign_logins()
        today = fields.Date.from_string(fields.Date.context_today(self))
        rows = accounts.read(["state", "provisional_password_crypt"])
        activated = accounts.browse(
            [r["id"] for r in rows if r["state"] == "activated"])
        pending = accounts - activated
        crypts = {r["id"]: r["provisional_password_crypt"] for r in rows
                  if r["state"] != "activated"}
        without = pending.browse([i for i in pending.ids if not crypts.get(i)])
        printed = {i: decrypt_secret(crypts.get(i)) for i in pending.ids}
        self._educonnect_check_readable(crypts, printed)
        printed.update(without._set_new_provisional_passwords())
        printed.update({a.id: False for a in activated})
        if pending:
            pending.write({
                "state": "notified", "origin": "school",
                "notification_date": fields.Date.to_string(today),
                "letter_expiry_date": fields.Date.to_string(
                    self._educonnect_expiry(today)),
            })
        if activated:
            activated.write({"notification_date": fields.Date.to_string(today)})
        return printed

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

    @api.multi
    def _educonnect_reset_passwords(self, _action="reset", _notified=False):
        """Reset passwords (3.4, 4.4): a new provisional password for each
        account; « Non notifié » accounts become « Notifié et non activé »;
        an activated account's chosen password stops working at once and the
        account is « Notifié et non activé » until its holder activates again.
        """
        self._check_educonnect_action(_action)
        accounts = self.sudo()  # checked above
        accounts._assign_logins()
        today = fields.Date.from_string(fields.Date.context_today(self))
        today_str = fields.Date.to_string(today)
        rows = accounts.read(["state", "notification_date"])
        accounts.browse([r["id"] for r in rows if r["state"] == "activated"]) \
            ._revoke_chosen_passwords()
        printed = accounts._set_new_provisional_passwords()
        vals = {"state": "notified",
                "letter_expiry_date": fields.Date.to_string(
                    self._educonnect_expiry(today))}
        first_time = accounts.browse(
            [r["id"] for r in rows if not r["notification_date"]])
        if _notified:
            accounts.write(dict(vals, notification_date=today_str,
                                origin="school"))
        else:
            (accounts - first_time).write(vals)
            first_time.write(dict(vals, notification_date=today_str,
                                  origin="school"))
        return printed

    @api.multi
    def _educonnect_list_password(self):
        """The password column of the lists (3.3, 4.3): the provisional
        password for « Notifié et non activé », asterisks for « Activé » and
        « En cours d'activation », empty for « Non notifié »."""
        self._check_educonnect_action("list")
        result = {}
        rows = self.sudo().read(["state", "provisional_password_crypt"])
        crypts = {r["id"]: r["provisional_password_crypt"] for r in rows
                  if r["state"] == "notified"}
        clear = {i: decrypt_secret(c) for i, c in crypts.items()}
        self._educonnect_check_readable(crypts, clear)
        for row in rows:
            if row["state"] == "notified":
                result[row["id"]] = clear[row["id"]] or ""
            elif row["state"] in ("activated", "activating"):
                result[row["id"]] = PASSWORD_MASK
            else:
                result[row["id"]] = ""
        return result

    # -- letters -------------------------------------------------------------

    LETTERS_PER_DOCUMENT = 200

    @api.multi
    def _educonnect_letters_pdf(self, printed):
        """The letters of these accounts, one page each, as one PDF.

        ``printed`` is {account id: password to print} from the action that
        set them. wkhtmltopdf's memory grows with the pages of one document,
        so a whole establishment is printed 200 letters at a time, and the
        documents are joined.
        """
        report = self.env.ref("educonnect_accounts.action_report_letter_%s"
                              % self._educonnect_population)
        chunks = [self.ids[i:i + self.LETTERS_PER_DOCUMENT]
                  for i in range(0, len(self.ids), self.LETTERS_PER_DOCUMENT)]
        documents = [
            render_standalone_pdf(report, ids, {"passwords": {
                str(i): printed.get(i) for i in ids}})
            for ids in chunks]
        if len(documents) == 1:
            return documents[0]
        writer = PdfFileWriter()
        for pdf in documents:
            writer.appendPagesFromReader(PdfFileReader(io.BytesIO(pdf)))
        result = io.BytesIO()
        writer.write(result)
        return result.getvalue()

    # -- activation links ---------------------------------------------------

    ACTIVATION_LINK_DAYS = 7

    @staticmethod
    def _token_hash(token):
        return hashlib.sha256(token.encode("ascii")).hexdigest()

    @api.multi
    def _educonnect_new_activation_tokens(self):
        """A single-use, expiring token per account; only its SHA-256 is
        stored. Returns {account id: token} for the links being sent."""
        tokens = {rec_id: secrets.token_urlsafe(32) for rec_id in self.ids}
        ids = list(tokens)
        expiry = fields.Datetime.to_string(
            datetime.datetime.utcnow()
            + datetime.timedelta(days=self.ACTIVATION_LINK_DAYS))
        self.env.cr.execute(sql.SQL(
            "UPDATE {} AS t SET activation_token_hash = v.h, "
            "activation_token_expiry = %s "
            "FROM unnest(%s::int[], %s::varchar[]) AS v(id, h) "
            "WHERE t.id = v.id").format(sql.Identifier(self._table)),
            [expiry, ids, [self._token_hash(tokens[i]) for i in ids]])
        self.invalidate_cache(["activation_token_hash",
                               "activation_token_expiry"], ids)
        return tokens

    @api.model
    def _educonnect_from_token(self, token):
        """The account a valid activation token belongs to (or empty)."""
        if not token or len(token) > 100:
            return self.browse()
        self.env.cr.execute(sql.SQL(
            "SELECT id FROM {} WHERE activation_token_hash = %s "
            "AND activation_token_expiry > now() at time zone 'UTC' "
            "AND state IN ('notified', 'activating') AND active").format(
                sql.Identifier(self._table)), [self._token_hash(token)])
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.multi
    def _educonnect_activate(self, password, origin=None, email=None,
                             email_confirmed=None):
        """The holder chose a password: the account is « Activé ».

        The portal user is created now (not at notification), or given the
        new password if it exists from an earlier activation; the provisional
        password and the activation token are erased. ``origin``: how the
        account was activated (« Établissement » by default, « Responsable »
        for a self-registration). ``email``: an address the holder gave.
        """
        self.ensure_one()
        account = self.sudo()  # called for a visitor proven by a token or a provisional password
        if not account.login:
            account._assign_logins()
        values = {}
        if email:
            values["email"] = email
        if email_confirmed is not None:
            values["email_confirmed"] = email_confirmed
        if values:
            account.write(values)
        Users = self.env["res.users"].sudo().with_context(no_reset_password=True)
        if account.user_id and (not account.user_id.share or (
                account.user_id.login or "").lower() != account.login.lower()):
            # Only this account's own portal user ever gets its password: a
            # link to any other user is refused, whoever made it.
            _logger.warning("Activation refused: account %s %s is linked to "
                            "user %s, which is not its portal user.",
                            account._name, account.id, account.user_id.id)
            raise AccessError(_("This account cannot be activated: ask the "
                                "establishment."))
        if account.user_id:
            account.user_id.write({"password": password, "active": True,
                                   "email": account.email})
            user = account.user_id
        else:
            user = Users.create({
                "name": account.name, "login": account.login,
                "password": password, "email": account.email,
                "company_id": account.company_id.id,
                "company_ids": [(6, 0, account.company_id.ids)],
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
                "lang": "fr_FR", "tz": "Europe/Paris",
            })
        self.env.cr.execute(sql.SQL(
            "UPDATE {} SET provisional_password_crypt = NULL, "
            "activation_token_hash = NULL, activation_token_expiry = NULL "
            "WHERE id = %s").format(sql.Identifier(self._table)), [account.id])
        account.invalidate_cache()
        if not origin:
            origin = account.origin if account.origin != "unknown" else "school"
        account.write({
            "state": "activated", "user_id": user.id, "origin": origin,
            "last_login_date": fields.Datetime.now(),
        })
        account.sudo(user)._educonnect_trace(
            "self_registration" if origin == "self_registration" else "activation",
            company=account.company_id)
        return user

    @api.model
    def _educonnect_provisional_account(self, login, password):
        """The account these letter credentials open, if the provisional
        password is right and the letter has not expired; else None."""
        if not login or not password or len(password) > 100:
            return None
        today = fields.Date.context_today(self)
        for model in ("educonnect.student", "educonnect.guardian"):
            accounts = self.env[model].sudo().search([
                *exact_login_domain(login),
                ("state", "in", ("notified", "activating")),
                ("provisional_password_crypt", "!=", False),
                "|", ("letter_expiry_date", "=", False),
                ("letter_expiry_date", ">=", today)])
            for account in accounts:
                clear = decrypt_secret(account.provisional_password_crypt)
                if clear and hmac.compare_digest(clear.encode(),
                                                 password.strip().encode()):
                    return account
        return None

    @api.multi
    def _educonnect_fingerprint(self):
        """Changes when the provisional password changes (a reset): a first
        sign-in under way stops at once. Not a secret: a hash of the
        ciphertext."""
        self.ensure_one()
        crypt = self.sudo().provisional_password_crypt or ""
        return hashlib.sha256(crypt.encode()).hexdigest()[:32]

    @api.multi
    def _educonnect_mark_activating(self):
        """A code is on its way to the holder: « En cours d'activation »."""
        self.sudo().filtered(lambda a: a.state in ("not_notified", "notified")) \
            .write({"state": "activating"})

    # -- sign-in locks (throttling) -------------------------------------------
    def _compute_educonnect_locked(self):
        logins = {r.id: (r.login or "").lower() for r in self}
        locked = set()
        if any(logins.values()):
            self.env.cr.execute(
                "SELECT login FROM educonnect_auth_throttle WHERE login IN %s "
                "AND locked_until > (now() at time zone 'UTC')",
                [tuple(l for l in logins.values() if l) or ("",)])
            locked = {row[0] for row in self.env.cr.fetchall()}
        for rec in self:
            rec.educonnect_locked = logins[rec.id] in locked

    def _search_educonnect_locked(self, operator, value):
        self.env.cr.execute(sql.SQL(
            "SELECT t.id FROM {} t JOIN educonnect_auth_throttle l "
            "ON l.login = lower(t.login) "
            "WHERE l.locked_until > (now() at time zone 'UTC')").format(
                sql.Identifier(self._table)))
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    @api.multi
    def action_educonnect_unlock(self):
        """Staff lift the lock of these accounts (traced)."""
        self._check_educonnect_action("reset")
        locked = self.filtered("educonnect_locked")
        if locked:
            self.env.cr.execute(
                "DELETE FROM educonnect_auth_throttle WHERE login IN %s",
                [tuple(a.login.lower() for a in locked)])
            locked._educonnect_trace("unlock")
            self.invalidate_cache(["educonnect_locked"])
        return True

    @api.multi
    def _educonnect_send_activation_emails(self):
        """E-mail each account its identifiant and an activation link (never
        a password). The mails leave within seconds (job runner); the link's
        token is drawn when each mail leaves, so the queue holds none."""
        template = self.env.ref(
            "educonnect_accounts.mail_template_%s_activation"
            % self._educonnect_population)
        base_url = self.env["ir.config_parameter"].sudo().get_param(
            "web.base.url", "").rstrip("/")
        url = "%s/educonnect/activation?token=%s" % (base_url,
                                                      SECRET_PLACEHOLDER)
        mail_ids = []
        for account in self:
            mail_ids.append(template.sudo().with_context(
                lang="fr_FR", activation_url=url).send_mail(
                    account.id, email_values={
                        # Not linked to the account's record: staff who may
                        # change the account would otherwise change or
                        # delete the message (Odoo's rule on mail.message).
                        "model": False, "res_id": False,
                        "email_from": account.company_id._educonnect_mail_from(),
                        "educonnect_res_model": self._name,
                        "educonnect_res_id": account.id}))
        self.sudo().write({"email_delivery_state": "pending",
                           "email_delivery_error": False})
        self.env["mail.mail"].browse(mail_ids)._educonnect_send_soon()
        self._educonnect_trace("email")

    @api.multi
    def _educonnect_draw_secret(self):
        """The activation link's token of the mail leaving now, or None when
        the account no longer waits for one."""
        self.ensure_one()
        if not self.active or self.state not in ("notified", "activating"):
            return None
        return self.sudo()._educonnect_new_activation_tokens()[self.id]

    @api.multi
    def _educonnect_mail_status(self, status, reason=None, mail=None):
        """How the last e-mail to these accounts went (see mail.mail)."""
        values = {
            "sent": {"email_delivery_state": "sent",
                     "email_delivery_date": fields.Datetime.now(),
                     "email_delivery_error": False},
            "retry": {"email_delivery_state": "pending",
                      "email_delivery_error": (reason or "")[:250]},
            "failed": {"email_delivery_state": "failed",
                       "email_delivery_error": (reason or "")[:250]},
        }[status]
        self.sudo().write(values)

    @api.multi
    def _educonnect_delivery_counts(self):
        """{"pending": n, "sent": n, "failed": n} of these accounts' last
        e-mail (one query, for a batch of thousands)."""
        counts = {"pending": 0, "sent": 0, "failed": 0}
        if self.ids:
            self.env.cr.execute(sql.SQL(
                "SELECT email_delivery_state, count(*) FROM {} "
                "WHERE id = ANY(%s) AND email_delivery_state IS NOT NULL "
                "GROUP BY 1").format(sql.Identifier(self._table)), [self.ids])
            counts.update(dict(self.env.cr.fetchall()))
        return counts

    @api.multi
    def _educonnect_trace(self, action, details="", company=None):
        """One trace row per action, linked to each account (no secret).
        ``company``: the accounts' establishment when the actor is not staff
        of it (the holder signing in, the throttling)."""
        field = "%s_ids" % self._educonnect_population
        return self.env["educonnect.account.trace"].sudo().create({
            "action": action,
            "population": self._educonnect_population,
            "user_id": self.env.uid,
            "company_id": (company or self.env.user.company_id).id,
            "account_count": len(self),
            "details": details,
            field: [(6, 0, self.ids)],
        })
