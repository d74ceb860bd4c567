from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .educonnect_account_mixin import POPULATIONS

TRACE_ACTIONS = [
    ("notify", "(Re)notify accounts"),
    ("reset", "Reset passwords"),
    ("list", "List accounts"),
    ("email", "E-mail notification"),
    ("activation", "Activation"),
    ("self_registration", "Self-registration"),
    ("recovery", "Password recovery"),
    ("lock", "Locked after failed sign-ins"),
    ("unlock", "Unlocked"),
    ("siecle_archive", "Archived by the SIECLE import"),
    ("delegate", "Role granted"),
    ("withdraw", "Role withdrawn"),
    ("password_view", "Provisional passwords viewed"),
]


class EduconnectAccountTrace(models.Model):
    """Who did what, when, in which establishment, on which accounts.

    Written by the account actions only (as superuser), never edited: staff
    read the traces of their establishment, nobody changes or deletes them.
    Holds no secret.
    """
    _name = "educonnect.account.trace"
    _inherit = ["educonnect.field.guard"]
    _description = "Account action trace"
    _order = "id desc"

    create_date = fields.Datetime(string="Date", readonly=True)
    action = fields.Selection(TRACE_ACTIONS, required=True, readonly=True)
    population = fields.Selection(POPULATIONS, readonly=True)
    user_id = fields.Many2one("res.users", string="By", required=True,
                              readonly=True, index=True)
    company_id = fields.Many2one("res.company", string="Establishment",
                                 required=True, readonly=True, index=True)
    delegate_user_id = fields.Many2one(
        "res.users", string="Staff member", readonly=True, index=True,
        help="For a role granted or withdrawn: who received or lost it.")
    account_count = fields.Integer(string="Number of accounts", readonly=True)
    details = fields.Char(readonly=True)
    student_ids = fields.Many2many(
        "educonnect.student", "educonnect_trace_student_rel", "trace_id",
        "student_id", string="Pupils", readonly=True)
    guardian_ids = fields.Many2many(
        "educonnect.guardian", "educonnect_trace_guardian_rel", "trace_id",
        "guardian_id", string="Guardians", readonly=True)

    @api.multi
    def write(self, vals):
        raise AccessError(_("Traces of account actions cannot be changed."))

    @api.multi
    def unlink(self):
        raise AccessError(_("Traces of account actions cannot be deleted."))
