"""Identifiants: the login registry and how identifiants are given.

Part of ``educonnect.account.mixin`` (see that file for the cut).
"""
import psycopg2
from psycopg2 import sql

from odoo import _, api, models
from odoo.exceptions import ValidationError

from ..tools.logins import login_base, login_candidates

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


class EduconnectAccountLogin(models.AbstractModel):
    _inherit = "educonnect.account.mixin"

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
        # One index range per base (LIKE ANY of thousands of patterns read
        # every identifiant of the académie once per pattern: minutes for a
        # SIECLE import of 14,000 accounts among 1.5 million). The rows of
        # both tables are the same identifiants for activated accounts: the
        # set removes the duplicates (not PostgreSQL, sorting 2 million
        # strings).
        self.env.cr.execute("""
            SELECT r.login_key FROM unnest(%s::varchar[]) AS b(base)
              JOIN educonnect_login_registry r
                ON r.login_key ~>=~ b.base
               AND r.login_key ~<~ (b.base || chr(1114111))
               AND r.login_key LIKE b.base || '%%'
            UNION ALL
            SELECT lower(u.login) FROM unnest(%s::varchar[]) AS b(base)
              JOIN res_users u
                ON lower(u.login) ~>=~ b.base
               AND lower(u.login) ~<~ (b.base || chr(1114111))
               AND lower(u.login) LIKE b.base || '%%'""",
            [sorted(bases), sorted(bases)])
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _educonnect_login_domain(self, login):
        """A domain matching the account of this population that holds the
        identifiant ``login`` exactly, whatever its case (archived ones
        too, as ``active_test`` says), found by the registry's primary key.
        ``('login', '=ilike', …)`` walked the trigram index of the logins:
        3–10 ms per population in an académie, at every sign-in."""
        self.env.cr.execute(
            "SELECT owner_id FROM educonnect_login_registry "
            "WHERE login_key = lower(%s) AND owner_table = %s",
            [(login or "").strip(), self._table])
        return [("id", "in", [row[0] for row in self.env.cr.fetchall()])]

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
