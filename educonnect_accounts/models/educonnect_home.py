from odoo import api, fields, models


class EduconnectHome(models.TransientModel):
    """Accueil: the establishment being administered, and how to choose another."""
    _name = "educonnect.home"
    _description = "EduConnect home"

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
    student_count = fields.Integer(compute="_compute_counts",
                                   string="Pupils")
    guardian_count = fields.Integer(compute="_compute_counts",
                                    string="Guardians")
    undelivered_email_count = fields.Integer(
        compute="_compute_counts", string="E-mails not delivered")

    @api.depends("company_id")
    def _compute_allowed_company_ids(self):
        for home in self:
            # sudo: the record rule on companies hides those the user holds
            # besides the current one.
            home.allowed_company_ids = self.env.user.sudo().company_ids
            home.several_companies = len(home.allowed_company_ids) > 1

    @api.depends("company_id")
    def _compute_counts(self):
        for home in self:
            domain = [("company_id", "=", home.company_id.id)]
            home.student_count = self.env["educonnect.student"].search_count(domain)
            # Troubleshooting agents see pupils only (their Accueil hides
            # the guardians button).
            Guardian = self.env["educonnect.guardian"]
            readable = Guardian.check_access_rights("read", raise_exception=False)
            home.guardian_count = Guardian.search_count(domain) if readable else 0
            home.undelivered_email_count = Guardian.search_count(
                domain + [("email_delivery_state", "=", "failed")]) \
                if readable else 0

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

    @api.model
    def _open(self, xmlid):
        return self.env.ref(xmlid).read()[0]

    @api.multi
    def action_open_students(self):
        return self._open("educonnect_accounts.educonnect_student_action")

    @api.multi
    def action_open_guardians(self):
        return self._open("educonnect_accounts.educonnect_guardian_link_action")

    @api.multi
    def action_open_undelivered_emails(self):
        """The guardians whose activation e-mail did not arrive."""
        action = self._open("educonnect_accounts.educonnect_guardian_link_action")
        action["context"] = {"search_default_email_not_delivered": 1}
        return action

    @api.multi
    def action_open_settings(self):
        return self.env["res.company"].action_educonnect_settings()
