"""Partners (``res.partner``) as staff read them.

- The administrator's partner is named in the reader's language (Odoo's
  installation data names it « Administrator », never translated), as
  ``res.users.name_get`` does.
- ``educonnect_portal_only`` marks the partners of portal users (pupils and
  guardians who activated their account): the record rule
  ``res_partner_rule_no_portal_partners`` hides them from everyone but
  their own user and the administrators. The rule used to say it with
  ``('user_ids', '=', False)``, which Odoo 11 turns into the list of every
  partner that has a user (``SELECT DISTINCT partner_id FROM res_users``,
  646,000 ids in an académie, 0.7 s) at each partner read of every user; a
  stored, indexed flag answers from the partner's own row.
"""
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.tools import sql

from .res_users import ODOO_ADMIN_NAME

#: A partner with at least one user (archived included) and no active
#: internal user: as the rule read it before the flag.
PORTAL_ONLY_SQL = """
    EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id
                                                AND u.active AND NOT u.share)
"""


class ResPartner(models.Model):
    _inherit = "res.partner"

    educonnect_portal_only = fields.Boolean(
        "Partner of portal users only", compute="_compute_educonnect_portal_only",
        store=True, index=True, readonly=True, compute_sudo=True,
        help="The partner of a pupil's or guardian's portal user (or of another "
             "portal user), with no active internal user: only that user and the "
             "administrators see it.")

    @api.depends("user_ids.share", "user_ids.active")
    def _compute_educonnect_portal_only(self):
        # Archived users count too; one read of the users for all partners.
        for partner, with_archived in zip(self, self.with_context(active_test=False)):
            users = with_archived.user_ids
            partner.educonnect_portal_only = bool(users) and not any(
                user.active and not user.share for user in users)

    @api.model_cr_context
    def _auto_init(self):
        # Filled in one statement when the column is added: Odoo would
        # compute the flag record by record (1.6 million partners in an
        # académie).
        if not sql.column_exists(self.env.cr, self._table, "educonnect_portal_only"):
            sql.create_column(self.env.cr, self._table, "educonnect_portal_only",
                              "boolean")
            self.env.cr.execute(
                "UPDATE res_partner p SET educonnect_portal_only = true WHERE "
                + PORTAL_ONLY_SQL)
        return super(ResPartner, self)._auto_init()

    @api.model
    def create(self, vals):
        # Computed from the users only: never given by a client.
        vals.pop("educonnect_portal_only", None)
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        # Odoo 11 writes a computed field without inverse when a client
        # sends it: an employee could reveal a portal user's partner. Its
        # recomputation goes through ``_write``.
        if "educonnect_portal_only" in vals:
            vals = dict(vals)
            del vals["educonnect_portal_only"]
        return super(ResPartner, self).write(vals)

    @api.multi
    def name_get(self):
        result = super(ResPartner, self).name_get()
        # sudo: the administrator's partner, whoever reads a message of it.
        admin = self.env["res.users"].sudo().browse(SUPERUSER_ID).partner_id.id
        label = _("Administrator")
        return [(pid, label if pid == admin and name == ODOO_ADMIN_NAME
                 else name) for pid, name in result]
