import logging

import psycopg2
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.crypto import decrypt_secret, encrypt_secret
from ..tools.logins import login_base, login_candidates
from ..tools.passwords import generate_provisional_password

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

LOGIN_REGISTRY_TABLE = "educonnect_login_registry"

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


class EduconnectAccountMixin(models.AbstractModel):
    """The EduConnect account of a person (pupil or guardian).

    Holds the lifecycle shared by both populations: identifiant, state,
    origin, dates, e-mail and the encrypted provisional password.
    """
    _name = "educonnect.account.mixin"
    _description = "EduConnect account"

    last_name = fields.Char(string="Last name", required=True, index=True)
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
    provisional_password_crypt = fields.Char(
        string="Encrypted provisional password", readonly=True, copy=False,
        groups="base.group_system")
    provisional_password = fields.Char(
        string="Provisional password", compute="_compute_provisional_password",
        groups="educonnect_accounts.group_educonnect_troubleshooter",
        help="Shown only while the account is notified and not activated.")

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
        todo = self.filtered(lambda r: not r.login).sorted("id")
        if not todo:
            return
        bases = {rec.id: login_base(rec.first_name, rec.last_name) for rec in todo}
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

    @api.multi
    def write(self, vals):
        if vals.get("login"):
            vals["login"] = vals["login"].strip()
            for rec in self:
                self._check_login_free(vals["login"], exclude=rec)
        return super().write(vals)

    # -- provisional passwords --------------------------------------------

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
