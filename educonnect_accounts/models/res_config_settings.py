from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: The ir.config_parameter holding the id of the outgoing mail server these
#: settings manage.
MAIL_SERVER_PARAM = "educonnect_accounts.mail_server_id"
#: Settings kept as system parameters: field → (parameter, type). The
#: ``config_parameter`` attribute of settings fields came after this Odoo
#: 11 build, which ignores it (the values were never saved).
PARAM_FIELDS = {
    "educonnect_mail_noreply": ("educonnect_accounts.mail_noreply", str),
    "educonnect_sms_url": ("educonnect.sms_url", str),
    "educonnect_sms_api_key": ("educonnect.sms_api_key", str),
    "educonnect_sms_sender": ("educonnect.sms_sender", str),
    "educonnect_throttle_login_max": ("educonnect.throttle_login_max", int),
    "educonnect_throttle_address_max": ("educonnect.throttle_address_max", int),
    "educonnect_throttle_delay": ("educonnect.throttle_delay", int),
    "educonnect_code_max_per_hour": ("educonnect.code_max_per_hour", int),
}
SMTP_FIELDS = {"educonnect_smtp_host": "smtp_host",
               "educonnect_smtp_port": "smtp_port",
               "educonnect_smtp_encryption": "smtp_encryption",
               "educonnect_smtp_user": "smtp_user",
               "educonnect_smtp_password": "smtp_pass"}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Outgoing e-mail (activation links, codes, statistics reports): one
    # Odoo outgoing mail server (ir.mail_server) set here.
    educonnect_smtp_host = fields.Char(
        string="SMTP server",
        help="The school's or académie's mail relay, e.g. smtp.ac-lille.fr. "
             "Empty: Odoo's default (the server's own, localhost:25).")
    educonnect_smtp_port = fields.Integer(string="SMTP port", default=25)
    educonnect_smtp_encryption = fields.Selection(
        [("none", "None"), ("starttls", "TLS (STARTTLS)"), ("ssl", "SSL/TLS")],
        string="SMTP connection security", default="none")
    educonnect_smtp_user = fields.Char(string="SMTP user")
    educonnect_smtp_password = fields.Char(string="SMTP password")
    educonnect_mail_noreply = fields.Char(
        string="No-reply sender address",
        help="Sender of the e-mails of an establishment that has no e-mail "
             "address of its own, e.g. ne-pas-repondre@ac-lille.fr.")

    # Codes of guardian self-registration and recovery sent by SMS.
    educonnect_sms_url = fields.Char(
        string="SMS gateway URL",
        help="HTTPS address the codes are POSTed to, as JSON "
             "{\"to\", \"message\", \"sender\"}.")
    educonnect_sms_api_key = fields.Char(
        string="SMS gateway key",
        help="Sent as « Authorization: Bearer <key> ».")
    educonnect_sms_sender = fields.Char(
        string="SMS sender name")
    # Sign-in throttling: failures before an identifiant or an address is
    # slowed down or locked (password guessing).
    educonnect_throttle_login_max = fields.Integer(
        string="Failed sign-ins before an identifiant is locked", default=10)
    educonnect_throttle_address_max = fields.Integer(
        string="Failed sign-ins before an address is locked", default=100)
    educonnect_throttle_delay = fields.Integer(
        string="First lock delay (seconds)", default=60,
        help="Doubled at each further failure, at most one hour.")
    educonnect_code_max_per_hour = fields.Integer(
        string="Codes sent to one account per hour, at most", default=5,
        help="Verification codes (self-registration, recovery, guardians' "
             "first sign-in) sent to one account within an hour; past it, "
             "the person asking sees the same screen and no code leaves.")

    def _educonnect_mail_server(self):
        server_id = self.env["ir.config_parameter"].sudo().get_param(
            MAIL_SERVER_PARAM)
        return self.env["ir.mail_server"].sudo().browse(
            int(server_id) if server_id else []).exists()

    @api.model
    def get_values(self):
        values = super().get_values()
        params = self.env["ir.config_parameter"].sudo()
        for name, (key, kind) in PARAM_FIELDS.items():
            value = params.get_param(key)
            if value:
                try:
                    values[name] = kind(value)
                except ValueError:
                    pass
        server = self._educonnect_mail_server()
        if server:
            values.update({name: server[field] for name, field in SMTP_FIELDS.items()})
        return values

    @api.multi
    def set_values(self):
        super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for name, (key, kind) in PARAM_FIELDS.items():
            value = self[name]
            params.set_param(key, str(value) if value or kind is int else False)
        server = self._educonnect_mail_server()
        values = {field: self[name] for name, field in SMTP_FIELDS.items()}
        if not self.educonnect_smtp_host:
            if server:
                server.active = False
            return
        values.update(name=_("EduConnect outgoing mail"), sequence=1, active=True)
        if server:
            server.write(values)
        else:
            server = self.env["ir.mail_server"].sudo().create(values)
            self.env["ir.config_parameter"].sudo().set_param(
                MAIL_SERVER_PARAM, server.id)

    @api.multi
    def action_educonnect_test_smtp(self):
        """« Tester la connexion »: Odoo's own test of the server (a message
        says whether it answered)."""
        self.ensure_one()
        self.execute()
        server = self._educonnect_mail_server()
        if not server:
            raise UserError(_("No SMTP server is set: give its address first."))
        return server.test_smtp_connection()
