"""Accueil: the landing page of every EduConnect role (guide, section 2),
with the establishment block and the dashboard of its accounts.

The staff's home action (``res.users.action_id``) is set here, in step with
their roles, so that signing in opens the Accueil, not Discuss.
"""
from odoo import SUPERUSER_ID, _, api, fields, models

HOME_ACTION = "educonnect_accounts.educonnect_home_action"
TROUBLESHOOTING_HOME_ACTION = \
    "educonnect_accounts.educonnect_home_action_troubleshooting"

class EduconnectHome(models.TransientModel):
    """Accueil: the establishment being administered, how to choose another,
    and what is left to do on its accounts."""
    _name = "educonnect.home"
    _description = "EduConnect home"
    _inherit = ["educonnect.home.dashboard"]

    company_id = fields.Many2one(
        "res.company", string="Current establishment", readonly=True,
        default=lambda self: self.env.user.company_id)
    uai = fields.Char(related="company_id.educonnect_uai", readonly=True)
    establishment_type = fields.Selection(
        related="company_id.educonnect_type", readonly=True)
    academy = fields.Selection(related="company_id.educonnect_academy",
                               readonly=True)
    allowed_company_ids = fields.Many2many(
        "res.company", string="Establishments you hold",
        compute="_compute_allowed_company_ids")
    several_companies = fields.Boolean(
        compute="_compute_allowed_company_ids",
        string="Holds several establishments")
    new_company_id = fields.Many2one(
        "res.company", string="Choose an establishment",
        help="Type the UAI or the name of the establishment.")
    troubleshooting_only = fields.Boolean(
        compute="_compute_troubleshooting_only",
        string="Troubleshooting Accueil",
        help="The Accueil of the troubleshooting module: pupils only.")

    @api.depends("company_id")
    def _compute_allowed_company_ids(self):
        for home in self:
            # sudo: the record rule on companies hides those the user holds
            # besides the current one.
            home.allowed_company_ids = self.env.user.sudo().company_ids
            home.several_companies = len(home.allowed_company_ids) > 1

    @api.depends("company_id")
    def _compute_troubleshooting_only(self):
        # Opened from the troubleshooting module, or by a troubleshooting
        # agent (who holds no higher role in this establishment).
        narrow = bool(self.env.context.get("troubleshooting_home")) or \
            not self.env.user._educonnect_has_role("manager")
        for home in self:
            home.troubleshooting_only = narrow

    @api.multi
    def name_get(self):
        # The breadcrumb back from a dashboard link reads « Accueil », not
        # the record's technical name (« educonnect.home,3 »).
        return [(home.id, _("Home")) for home in self]

    @api.multi
    def action_choose_establishment(self):
        """Switch the user's current establishment (as Odoo's company switcher)."""
        self.ensure_one()
        # The user's establishments, beyond the one the rule on companies
        # shows.
        if self.new_company_id and \
                self.new_company_id in self.env.user.sudo().company_ids:
            self.env.user.company_id = self.new_company_id
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.multi
    def action_open_settings(self):
        return self.env["res.company"].action_educonnect_settings()

    # -- the staff's landing page follows their roles ------------------------

    @api.model
    def _set_home_action(self, users):
        """Accueil for the staff holding a role (the troubleshooting one for
        troubleshooting agents); nothing for the others. A home action set
        by the administrator to something else is left alone. Called when
        roles change (``educonnect.delegation``) and at install and update."""
        home = self.env.ref(HOME_ACTION, raise_if_not_found=False)
        narrow = self.env.ref(TROUBLESHOOTING_HOME_ACTION,
                              raise_if_not_found=False)
        if not home or not narrow:
            return  # during the installation, before the views load
        ours = {home.id, narrow.id}
        manager = self.env.ref("educonnect_accounts.group_educonnect_manager")
        troubleshooter = self.env.ref(
            "educonnect_accounts.group_educonnect_troubleshooter")
        # The system writes the home action: staff may not write users.
        for user in users.sudo():
            if user.share or user.id == SUPERUSER_ID:
                continue
            # The user's groups (with the implied ones), not the caller's.
            if manager in user.groups_id:
                wanted = home.id
            elif troubleshooter in user.groups_id:
                wanted = narrow.id
            else:
                wanted = False
            current = user.action_id.id
            if current != wanted and (not current or current in ours):
                user.write({"action_id": wanted})

    @api.model
    def _set_home_actions(self):
        """At install and update: every member of the staff."""
        self._set_home_action(
            self.env["res.users"].sudo().search([("share", "=", False)]))
