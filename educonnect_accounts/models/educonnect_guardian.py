from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EduconnectGuardian(models.Model):
    """A guardian (responsable légal) and their EduConnect account."""
    _name = "educonnect.guardian"
    _inherit = ["educonnect.account.mixin", "educonnect.siecle.record"]
    _description = "Guardian"
    _order = "last_name, first_name, id"
    _educonnect_population = "guardian"
    _educonnect_staff_writable = frozenset({
        "last_name", "first_name", "email", "civility", "mobile", "phone",
        "accept_sms"})

    civility = fields.Selection([("M.", "Mr"), ("MME", "Mrs")])
    mobile = fields.Char()
    mobile_confirmed = fields.Boolean(
        string="Mobile confirmed", readonly=True, copy=False,
        help="The guardian proved this number with a code sent by SMS.")
    phone = fields.Char()
    accept_sms = fields.Boolean(string="Accepts text messages",
                                help="ACCEPTE_SMS in SIECLE.")
    link_ids = fields.One2many("educonnect.guardian.link", "guardian_id",
                               string="Children")

    _sql_constraints = [
        ("siecle_id_company_unique", "UNIQUE(company_id, siecle_id)",
         "A guardian with this SIECLE id already exists in this establishment."),
    ]

    @api.multi
    def action_educonnect_resend_email(self):
        """« Renvoyer le courriel d'activation »: a new activation link to
        guardians whose e-mail was not delivered (or is still waiting).
        Guardians only: pupils are notified by letter (guide, 3.2)."""
        self._check_educonnect_action("notify")
        accounts = self.filtered(
            lambda a: a.email and a.state in ("notified", "activating"))
        if not accounts:
            raise UserError(_("None of these accounts waits for an activation "
                              "e-mail: only accounts notified and not "
                              "activated, with an e-mail address, can get "
                              "one."))
        accounts._educonnect_send_activation_emails()
        return True
