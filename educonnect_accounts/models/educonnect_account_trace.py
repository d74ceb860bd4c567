from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .educonnect_account_mixin import POPULATIONS
from .educonnect_delegation import ROLES

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
    # A role granted or withdrawn: its key, shown in the reader's language
    # (the label written in ``details`` by older versions was the actor's).
    role = fields.Selection(ROLES, string="Role", readonly=True)
    summary = fields.Char(string="Details", compute="_compute_summary")
    student_ids = fields.Many2many(
        "educonnect.student", "educonnect_trace_student_rel", "trace_id",
        "student_id", string="Pupils", readonly=True)
    guardian_ids = fields.Many2many(
        "educonnect.guardian", "educonnect_trace_guardian_rel", "trace_id",
        "guardian_id", string="Guardians", readonly=True)

    @api.depends("role", "details")
    def _compute_summary(self):
        labels = dict(self._fields["role"]._description_selection(self.env))
        # Traces written before the role had its field: the English label.
        by_english = {english: labels[key] for key, english in ROLES}
        for trace in self:
            trace.summary = labels.get(trace.role) \
                or by_english.get(trace.details) or trace.details

    @api.multi
    def name_get(self):
        """« Réinitialiser les mots de passe – 30/11/2026 14:05 » (the
        breadcrumb of a trace, instead of educonnect.account.trace,30)."""
        labels = dict(self._fields["action"]._description_selection(self.env))
        result = []
        for trace in self:
            when = fields.Datetime.context_timestamp(
                trace, fields.Datetime.from_string(trace.create_date)) \
                .strftime("%d/%m/%Y %H:%M") if trace.create_date else ""
            result.append((trace.id, " – ".join(
                p for p in (labels.get(trace.action), when) if p)))
        return result

    @api.multi
    def write(self, vals):
        raise AccessError(_("Traces of account actions cannot be changed."))

    @api.multi
    def unlink(self):
        raise AccessError(_("Traces of account actions cannot be deleted."))
