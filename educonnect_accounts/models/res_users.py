"""The users of the platform (``res.users``), as the accounts need them.

- The chosen-password rule (at least 12 characters, at most 256, not the
  login) on every path that sets a password: ``_set_password`` for pupils
  and guardians whoever sets it, ``change_password`` and the reset by signup
  token when a user chooses their own (staff included); the administrator
  may still give staff a first password.
- Sign-in: the shared throttling (per identifiant and per address) on every
  channel, the same work for an unknown login as for a wrong password, the
  date of last connection of the accounts.
- Roles per establishment: the establishments where the user holds each
  role, computed from the delegations (``_educonnect_has_role``, the one
  role check); the groups set on the user form become delegations.
- Odoo's invitation and password-reset e-mails to staff in the school's
  words (``ir_model_data.py`` answers auth_signup's templates with ours).
"""
import logging
import secrets

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.addons.base.res.res_users import Users as OdooUsers
from odoo.exceptions import AccessDenied, UserError

from .educonnect_auth_throttle import EduconnectAuthThrottle, remote_address
from .educonnect_account_mixin import ACCOUNT_MODELS
from .educonnect_delegation import ROLE_RANK

_logger = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 12
#: The administrator's name in Odoo's installation data.
ODOO_ADMIN_NAME = "Administrator"
PASSWORD_MAX_LENGTH = 256

# A hash of a random password, made once with Odoo's own settings (same
# algorithm and cost as the users' hashes): checked when a sign-in names no
# user, so that an unknown login costs what a wrong password costs.
_DUMMY_HASH = {}


class ResUsers(models.Model):
    _inherit = "res.users"

    # Indexed: Odoo reads a partner's users (``user_ids``: its « share »
    # flag, ours, the portal) by ``partner_id``, which Odoo 11 does not
    # index: a scan of every user, 60–100 ms each in an académie of 646,000
    # users, five times per activation.
    partner_id = fields.Many2one(index=True)

    # -- roles per establishment (the delegations) -------------------------
    educonnect_delegation_ids = fields.One2many(
        "educonnect.delegation", "user_id", string="EduConnect roles",
        groups="base.group_erp_manager")
    # Establishments where the user holds at least the role (a director also
    # acts as delegated agent and troubleshooting agent there). Used by the
    # record rules and the account actions.
    educonnect_troubleshooter_company_ids = fields.Many2many(
        "res.company", compute="_compute_educonnect_role_companies",
        string="Establishments (troubleshooting)")
    educonnect_manager_company_ids = fields.Many2many(
        "res.company", compute="_compute_educonnect_role_companies",
        string="Establishments (account administration)")
    educonnect_director_company_ids = fields.Many2many(
        "res.company", compute="_compute_educonnect_role_companies",
        string="Establishments (direction)")

    def _compute_educonnect_role_companies(self):
        # Any user's roles (for the rules): staff may not read delegations.
        rows = self.env["educonnect.delegation"].sudo().search_read(
            [("user_id", "in", self.ids)], ["user_id", "company_id", "role"])
        for user in self:
            held = [(r["company_id"][0], ROLE_RANK[r["role"]]) for r in rows
                    if r["user_id"][0] == user.id]
            for role, rank in ROLE_RANK.items():
                user["educonnect_%s_company_ids" % role] = \
                    self.env["res.company"].browse(
                        [c for c, r in held if r >= rank])

    def _educonnect_role_companies(self, role):
        """Establishments where the user holds ``role`` or a higher one."""
        self.ensure_one()
        if self.id == SUPERUSER_ID:
            # Every establishment, beyond the rule on companies.
            return self.env["res.company"].sudo().search([])
        return self["educonnect_%s_company_ids" % role]

    def _educonnect_has_role(self, role, company=None):
        """The user holds ``role`` (or higher) in ``company`` (default: the
        establishment chosen at the moment)."""
        self.ensure_one()
        company = company or self.company_id
        return company in self._educonnect_role_companies(role)

    # -- the chosen-password rule --------------------------------------------
    @api.model
    def _educonnect_password_error(self, password, login):
        """What is wrong with ``password`` for the holder of ``login``, in
        the user's language, or None: at least 12 characters, long ones
        accepted, spaces and accents allowed, no composition rule, not the
        login."""
        password = password or ""
        if len(password) < PASSWORD_MIN_LENGTH:
            return _("Your password must have at least %d characters.") \
                % PASSWORD_MIN_LENGTH
        if len(password) > PASSWORD_MAX_LENGTH:
            return _("Your password must have at most %d characters.") \
                % PASSWORD_MAX_LENGTH
        if password.strip().lower() == (login or "").strip().lower():
            return _("Your password cannot be your login.")
        return None

    @api.multi
    def _educonnect_password_rule_applies(self):
        """Pupils and guardians (portal users): on every path. Staff: when
        they set their own password; the administrator (and the superuser:
        installation, demo data) may still give staff their first one."""
        self.ensure_one()
        if not self.has_group("base.group_user"):
            return True
        return self.env.uid == self.id and self.env.uid != SUPERUSER_ID

    @api.multi
    def _educonnect_check_password(self, password):
        """Raise the rule's message if it applies to this user and
        ``password`` breaks it. Empty is no password (Odoo's default at
        creation; it never signs in)."""
        self.ensure_one()
        if password and self._educonnect_password_rule_applies():
            error = self._educonnect_password_error(password, self.login)
            if error:
                raise UserError(error)

    def _set_password(self, password):
        # Every way of setting a password ends here (create, write,
        # the « Change password » wizard, activation, recovery).
        self._educonnect_check_password(password)
        return super(ResUsers, self)._set_password(password)

    @api.multi
    def write(self, vals):
        # Checked before anything is written: Odoo stores a new password in
        # clear first and hashes it afterwards (auth_crypt's inverse, which
        # ends in _set_password), so a refusal raised only then, caught by a
        # page that goes on and commits (auth_signup's reset page), would
        # leave the refused password in the clear column, where it signs in.
        if vals.get("password"):
            for user in self:
                user._educonnect_check_password(vals["password"])
        if self.env.context.get("educonnect_delegation_sync"):
            return super(ResUsers, self).write(vals)
        # The roles the groups gave before the write, whoever may read them:
        # an administrator changing them on the user form changes the
        # delegations.
        Delegation = self.env["educonnect.delegation"]
        before = {u.id: Delegation._highest_group_role(u) for u in self.sudo()}
        result = super(ResUsers, self).write(vals)
        if any(k == "groups_id" or k.startswith(("in_group_", "sel_groups_"))
               for k in vals):
            Delegation._follow_user_groups(self, before)
        if "company_ids" in vals:
            Delegation._drop_companies_left(self)
        return result

    @api.model
    def create(self, vals):
        user = super(ResUsers, self).create(vals)
        if not self.env.context.get("educonnect_delegation_sync"):
            self.env["educonnect.delegation"]._follow_user_groups(user, {})
        return user

    @api.model
    def change_password(self, old_passwd, new_passwd):
        # The user chooses their own password (Odoo writes it as superuser,
        # so the rule is applied here, for staff too).
        if new_passwd:
            error = self._educonnect_password_error(new_passwd, self.env.user.login)
            if error:
                raise UserError(error)
        return super(ResUsers, self).change_password(old_passwd, new_passwd)

    @api.model
    def signup(self, values, token=None):
        # A password reset by signup token (« Mot de passe oublié », the
        # invitation link): the holder of the token chooses their own
        # password. auth_signup writes it as the superuser, so the rule is
        # applied here, for staff too.
        password = values.get("password")
        if token and password:
            partner = self.env["res.partner"]._signup_retrieve_partner(
                token, check_validity=True, raise_exception=False)
            user = partner.user_ids[:1] if partner else None
            if user:
                error = self._educonnect_password_error(password, user.login)
                if error:
                    raise UserError(error)
        return super(ResUsers, self).signup(values, token=token)

    # -- staff e-mails -------------------------------------------------------
    @api.multi
    def action_reset_password(self):
        # Odoo's invitation and reset e-mails to staff, in the school's words
        # (« <school> invitation to connect on Odoo » otherwise): the flag
        # makes ir.model.data answer auth_signup's templates with ours.
        return super(ResUsers, self.with_context(
            educonnect_signup_templates=True)).action_reset_password()

    # -- sign-in ---------------------------------------------------------------
    @api.model_cr
    def _register_hook(self):
        # Made now rather than at the first unknown login, which would cost
        # one more hash than the others.
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = self._crypt_context().hash(
                secrets.token_urlsafe(32))
        return super(ResUsers, self)._register_hook()

    # Every sign-in channel ends here: /web/login and JSON-RPC
    # (session.authenticate), XML-RPC common.login/authenticate.
    @classmethod
    def _login(cls, db, login, password):
        address = remote_address()
        if EduconnectAuthThrottle.check_locked(cls.pool, login, address):
            # Same outcome as a wrong password: the caller cannot tell.
            _logger.info("Login refused (throttled) for db:%s login:%s from %s",
                         db, login, address or "n/a")
            return False
        uid = super(ResUsers, cls)._login(db, login, password)
        if uid:
            EduconnectAuthThrottle.record_success(cls.pool, login)
        elif password:
            cls._educonnect_check_dummy_hash(login, password)
            EduconnectAuthThrottle.record_failure(cls.pool, login, address)
        return uid

    @classmethod
    def _educonnect_check_dummy_hash(cls, login, password):
        """When no active user has this login, Odoo checked no password
        hash: check one, at the same cost, so that the answer comes as late
        as for a wrong password."""
        with cls.pool.cursor() as cr:
            cr.execute("SELECT 1 FROM res_users WHERE login = %s AND active",
                       [login])
            if cr.fetchone():
                return
            users = api.Environment(cr, SUPERUSER_ID, {})[cls._name]
            context = users._crypt_context()
            if "hash" not in _DUMMY_HASH:
                _DUMMY_HASH["hash"] = context.hash(secrets.token_urlsafe(32))
            context.verify(password, _DUMMY_HASH["hash"])

    # XML-RPC object calls check the password on each call.
    @classmethod
    def check(cls, db, uid, passwd):
        address = remote_address()
        with cls.pool.cursor() as cr:
            cr.execute("SELECT login FROM res_users WHERE id = %s", [uid])
            row = cr.fetchone()
        login = row[0] if row else None
        if login and EduconnectAuthThrottle.check_locked(cls.pool, login, address):
            raise AccessDenied()
        try:
            return super(ResUsers, cls).check(db, uid, passwd)
        except AccessDenied:
            EduconnectAuthThrottle.record_failure(cls.pool, login, address)
            raise

    @api.model
    def context_get(self):
        # Odoo reads the user's language and time zone through ``env.user``:
        # the first field read fetches every column of the user and of its
        # partner (about 150 fields) with their access rules, at each first
        # sign-in a worker sees — a rentrée morning is made of them. Field
        # by field instead (Odoo caches the result per user).
        return super(ResUsers, self.with_context(prefetch_fields=False)).context_get()

    # Odoo clears the cache of its (cached) context_get through this
    # attribute of the method when a user changes: the override keeps it.
    context_get.clear_cache = OdooUsers.context_get.clear_cache

    @api.model
    def _update_last_login(self):
        """Each successful sign-in: Odoo's log entry (the users' « Dernière
        connexion ») and the date of last connection the staff lists show
        (« Date de dernière connexion »).

        Odoo writes its entry with ``create({})`` as the user signing in:
        the first time a worker sees a user, that computed the user's
        access rights and record rules on ``res.users.log`` — a rentrée
        morning's sign-ins are all first times, and that cost about half a
        password hash each (``bin/bench storm``). The same row, by SQL:
        its only fields are the ones Odoo fills in (author, date)."""
        self.env.cr.execute(
            "INSERT INTO res_users_log (create_uid, create_date, write_uid, "
            "write_date) VALUES (%(uid)s, now() at time zone 'UTC', %(uid)s, "
            "now() at time zone 'UTC')", {"uid": self.env.uid})
        self.browse(self.env.uid).invalidate_cache(["log_ids", "login_date"])
        for table in (self.env[m]._table for m in ACCOUNT_MODELS.values()):
            self.env.cr.execute(
                "UPDATE %s SET last_login_date = now() at time zone 'UTC' "
                "WHERE user_id = %%s" % table, [self.env.uid])

    # -- the administrator's name as staff read it ---------------------------
    @api.multi
    def name_get(self):
        # Odoo's administrator is named « Administrator » by its installation
        # data (never translated): « Délégué par », « Par » and its messages
        # read it in the reader's language unless the site renamed it.
        result = super(ResUsers, self).name_get()
        # Outside the comprehension: Odoo's _() finds the language in the
        # caller's frame (self).
        label = _("Administrator")
        return [(uid, label if uid == SUPERUSER_ID and name == ODOO_ADMIN_NAME
                 else name) for uid, name in result]
