"""Roles per establishment (DELEG-CE).

Odoo groups are global, but staff hold several establishments and a role
belongs to one of them: a principal of the collège is not a principal of the
lycée she also works for. A delegation says "this user holds this role in this
establishment"; the EduConnect groups of a user are kept in step with their
delegations (the highest role held anywhere), and the record rules and the
account actions check that the role is held in the *current* establishment.
"""
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

ROLES = [
    ("troubleshooter", "Troubleshooting agent"),
    ("manager", "Delegated agent"),
    ("director", "Director"),
]
ROLE_RANK = {role: rank for rank, (role, _label) in enumerate(ROLES)}
ROLE_GROUPS = {
    "troubleshooter": "educonnect_accounts.group_educonnect_troubleshooter",
    "manager": "educonnect_accounts.group_educonnect_manager",
    "director": "educonnect_accounts.group_educonnect_director",
}
# What a director may hand out (DELEG-CE): never the director role itself.
DELEGABLE_ROLES = ("troubleshooter", "manager")


class EduconnectDelegation(models.Model):
    """A role held by a staff user in one establishment."""
    _name = "educonnect.delegation"
    _description = "Delegation of a role"
    _order = "company_id, role desc, user_id"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", string="Staff member", required=True, index=True,
        ondelete="cascade", domain="[('share', '=', False)]")
    company_id = fields.Many2one(
        "res.company", string="Establishment", required=True, index=True,
        ondelete="cascade", default=lambda self: self.env.user.company_id)
    role = fields.Selection(ROLES, string="Role", required=True,
                            default="troubleshooter")
    granted_by_id = fields.Many2one(
        "res.users", string="Granted by", readonly=True,
        default=lambda self: self.env.user, ondelete="set null")
    date = fields.Date(string="Granted on", readonly=True,
                       default=fields.Date.context_today)

    _sql_constraints = [
        ("user_company_unique", "UNIQUE(user_id, company_id)",
         "This staff member already holds a role in this establishment: "
         "withdraw it first."),
    ]

    @api.model_cr
    def init(self):
        """Databases from before the delegations: each staff member keeps, in
        every establishment they hold, the role their groups gave them."""
        super().init()
        self.env.cr.execute("SELECT 1 FROM educonnect_delegation LIMIT 1")
        if not self.env.cr.fetchone():
            self._educonnect_delegations_from_groups()

    @api.model
    def _educonnect_delegations_from_groups(self):
        Users = self.env["res.users"]  # init: as the superuser
        groups = [self.env.ref(xmlid, raise_if_not_found=False)
                  for xmlid in ROLE_GROUPS.values()]
        if not all(groups):
            return  # first installation: no group yet
        users = Users.search([("share", "=", False),
                              ("id", "!=", SUPERUSER_ID),
                              ("groups_id", "in", [g.id for g in groups])])
        with_roles = self.search([("user_id", "in", users.ids)]) \
            .mapped("user_id")
        self._follow_user_groups(users - with_roles, {})

    # -- who may delegate what ---------------------------------------------

    def _educonnect_is_admin(self):
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group(
            "base.group_erp_manager")

    def _check_may_delegate(self, user, company, role):
        """A director hands out the two delegable roles, in the establishment
        chosen at the moment, to internal staff who already hold it."""
        # The user's establishments, beyond the one the rule on companies
        # shows the director.
        if not user or user.share or company not in user.sudo().company_ids:
            raise UserError(_(
                "Roles are given to staff members who already work for the "
                "establishment (ask the administrator to add it to their "
                "establishments)."))
        if self._educonnect_is_admin():
            return
        me = self.env.user
        if company != me.company_id \
                or not me._educonnect_has_role("director", company):
            raise AccessError(_("You can only delegate roles in the "
                                "establishment you direct and have chosen."))
        if role not in DELEGABLE_ROLES:
            raise AccessError(_("Only an administrator can appoint a director."))
        if user == me:
            raise UserError(_("You cannot delegate a role to yourself."))

    @api.model
    def create(self, vals):
        syncing = self.env.context.get("educonnect_delegation_sync")
        vals = dict(vals, granted_by_id=self._educonnect_acting_uid(),
                    date=fields.Date.context_today(self))
        vals.setdefault("company_id", self.env.user.company_id.id)
        if not syncing:
            # Any user id: a portal user's record is hidden from staff, and
            # is refused with a sentence below.
            user = self.env["res.users"].sudo().browse(vals.get("user_id"))
            company = self.env["res.company"].browse(vals["company_id"])
            self._check_may_delegate(user.exists(), company, vals.get("role"))
        delegation = super().create(vals)
        delegation._educonnect_trace_delegation("delegate")
        if not syncing:
            self._sync_user_groups(delegation.mapped("user_id"))
        return delegation

    @api.multi
    def write(self, vals):
        if not self._educonnect_is_admin():
            raise AccessError(_("Withdraw the role and grant another one."))
        users = self.mapped("user_id")
        result = super().write(vals)
        self._educonnect_trace_delegation("delegate")
        self._sync_user_groups(users | self.mapped("user_id"))
        return result

    @api.multi
    def unlink(self):
        """Withdraw the roles (the record rules confine a director to the
        delegations of the establishment they direct and have chosen)."""
        syncing = self.env.context.get("educonnect_delegation_sync")
        self.check_access_rights("unlink")
        self.check_access_rule("unlink")
        if not syncing and not self._educonnect_is_admin():
            for delegation in self:
                if delegation.role not in DELEGABLE_ROLES \
                        or delegation.company_id != self.env.user.company_id:
                    raise AccessError(_("Only an administrator can withdraw "
                                        "this role."))
        users = self.mapped("user_id")
        for delegation in self:
            delegation._educonnect_trace_delegation("withdraw")
        result = super().unlink()
        if not syncing:
            self._sync_user_groups(users)
        return result

    @api.multi
    def action_withdraw(self):
        """The « Retirer » button of the delegation screen."""
        self.unlink()
        return {"type": "ir.actions.client", "tag": "reload"}

    def _educonnect_acting_uid(self):
        """Who acts: the administrator editing a user form works through
        the superuser, but is the one traced."""
        return self.env.context.get("educonnect_acting_uid") or self.env.uid

    def _educonnect_trace_delegation(self, action):
        # Traces are written by the system only (nobody may create one).
        Trace = self.env["educonnect.account.trace"].sudo()
        for delegation in self:
            # The role's key: its label is shown in the reader's language.
            Trace.create({
                "action": action,
                "user_id": self._educonnect_acting_uid(),
                "company_id": delegation.company_id.id,
                "delegate_user_id": delegation.user_id.id,
                "account_count": 0,
                "role": delegation.role,
            })

    # -- the EduConnect groups of users, kept in step with the delegations ---

    @api.model
    def _role_groups(self):
        return {role: self.env.ref(xmlid) for role, xmlid in ROLE_GROUPS.items()}

    @api.model
    def _highest_group_role(self, user):
        """The highest EduConnect role ``user``'s groups give, or None."""
        best = None
        for role, group in self._role_groups().items():
            if group in user.groups_id and (
                    best is None or ROLE_RANK[role] > ROLE_RANK[best]):
                best = role
        return best

    @api.model
    def _sync_user_groups(self, users):
        """The only place that changes the EduConnect groups of a user for a
        delegation: as superuser, only those three groups, the highest role
        held in any establishment (its group implies the lower ones)."""
        groups = self._role_groups()
        # Staff may neither read every delegation nor write groups: the
        # system does, for these three groups only.
        Delegation = self.sudo()
        for user in users.sudo().with_context(educonnect_delegation_sync=True):
            roles = Delegation.search([("user_id", "=", user.id)]).mapped("role")
            best = max(roles, key=ROLE_RANK.get) if roles else None
            commands = [(3, g.id) for g in groups.values()]
            if best:
                commands.append((4, groups[best].id))
            if best != self._highest_group_role(user) or not best:
                user.write({"groups_id": commands})
        users.invalidate_cache()
        self.env["ir.rule"].clear_caches()
        # Their landing page follows their roles.
        self.env["educonnect.home"]._set_home_action(users)

    @api.model
    def _follow_user_groups(self, users, before):
        """An administrator set an EduConnect group on the user form: the
        role applies to every establishment the user holds (the delegation
        screen refines it per establishment). ``before``: user id → the
        highest role before the change."""
        # The administrator edits the user form: the delegations follow, as
        # the system (the administrator is traced as acting).
        Delegation = self.sudo().with_context(
            educonnect_delegation_sync=True, educonnect_acting_uid=self.env.uid)
        for user in users.sudo():
            if user.share:
                continue
            role = self._highest_group_role(user)
            if role == before.get(user.id):
                continue
            Delegation.search([("user_id", "=", user.id)]).unlink()
            for company in (user.company_ids if role else []):
                Delegation.create({"user_id": user.id,
                                   "company_id": company.id, "role": role})
        self.env["educonnect.home"]._set_home_action(users)

    @api.model
    def _drop_companies_left(self, users):
        """Establishments the administrator removed from users: their roles
        go too (as the system: staff may not read every delegation)."""
        for user in users.sudo():
            gone = self.sudo().search([("user_id", "=", user.id),
                                       ("company_id", "not in",
                                        user.company_ids.ids)])
            if gone:
                gone.unlink()
