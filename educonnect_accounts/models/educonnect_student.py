from odoo import api, fields, models

# The account administrators, and the pupil (or guardian) on the portal.
_ADMINISTRATION = "educonnect_accounts.group_educonnect_manager,base.group_portal"


class EduconnectStudent(models.Model):
    """A pupil (élève) of an establishment and their EduConnect account."""
    _name = "educonnect.student"
    _inherit = ["educonnect.account.mixin", "educonnect.siecle.record"]
    _description = "Pupil"
    _order = "last_name, first_name, id"
    _educonnect_population = "student"
    _educonnect_password_fields = ("provisional_password", "list_password")
    _educonnect_staff_writable = frozenset({
        "last_name", "first_name", "email", "class_id", "mef_id",
        "birth_date", "gender", "ine", "birth_name"})

    class_id = fields.Many2one(
        "educonnect.class", string="Class", index=True, ondelete="restrict",
        domain="[('company_id', '=', company_id)]")
    mef_id = fields.Many2one("educonnect.mef", string="MEF", index=True,
                             ondelete="restrict")
    # The troubleshooting agent's list of the guide (3.5) shows name, class,
    # MEF, identifiant, password, state and e-mail: the person's civil data
    # are not its, on any path (read, search, export).
    birth_date = fields.Date(string="Birth date", groups=_ADMINISTRATION)
    gender = fields.Selection([("M", "Male"), ("F", "Female")],
                              groups=_ADMINISTRATION)
    ine = fields.Char(string="INE", help="National pupil identifier.",
                      groups=_ADMINISTRATION)
    birth_name = fields.Char(string="Birth name", groups=_ADMINISTRATION,
                             help="NOM_DE_FAMILLE in SIECLE, when the usage "
                                  "name differs.")
    leave_date = fields.Date(string="Leaving date", readonly=True,
                             help="DATE_SORTIE of the last SIECLE import.")
    # Not the troubleshooting agent's (it reads no guardian): without the
    # groups, the pupil's form would read them for it and fail.
    guardian_link_ids = fields.One2many(
        "educonnect.guardian.link", "student_id", string="Guardians",
        groups="educonnect_accounts.group_educonnect_manager,base.group_portal")

    _sql_constraints = [
        ("siecle_id_company_unique", "UNIQUE(company_id, siecle_id)",
         "A pupil with this SIECLE id already exists in this establishment."),
    ]

    list_password = fields.Char(
        string="Password", compute="_compute_list_password",
        groups="educonnect_accounts.group_educonnect_troubleshooter",
        help="Provisional password while the account is notified and not "
             "activated; asterisks once activated.")

    def _compute_list_password(self):
        passwords = self._educonnect_list_password()
        for pupil in self:
            pupil.list_password = passwords.get(pupil.id, "")

    @api.multi
    def action_reset_password_one(self):
        """The « Réinitialiser le mot de passe » button of a row (3.5)."""
        self.ensure_one()
        action = self.env.ref(
            "educonnect_accounts.educonnect_reset_wizard_action_student").read()[0]
        action["context"] = {"active_model": self._name,
                             "active_ids": self.ids, "active_id": self.id}
        return action

    @api.onchange("class_id")
    def _onchange_class_id(self):
        if self.class_id.mef_id and not self.mef_id:
            self.mef_id = self.class_id.mef_id
