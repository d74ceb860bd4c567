from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Codes of guardian self-registration and recovery sent by SMS.
    educonnect_sms_url = fields.Char(
        string="SMS gateway URL", config_parameter="educonnect.sms_url",
        help="HTTPS address the codes are POSTed to, as JSON "
             "{\"to\", \"message\", \"sender\"}.")
    educonnect_sms_api_key = fields.Char(
        string="SMS gateway key", config_parameter="educonnect.sms_api_key",
        help="Sent as « Authorization: Bearer <key> ».")
    educonnect_sms_sender = fields.Char(
        string="SMS sender name", config_parameter="educonnect.sms_sender")
    # Sign-in throttling (SECURITY.md P6).
    educonnect_throttle_login_max = fields.Integer(
        string="Failed sign-ins before an identifiant is locked",
        config_parameter="educonnect.throttle_login_max", default=10)
    educonnect_throttle_address_max = fields.Integer(
        string="Failed sign-ins before an address is locked",
        config_parameter="educonnect.throttle_address_max", default=100)
    educonnect_throttle_delay = fields.Integer(
        string="First lock delay (seconds)",
        config_parameter="educonnect.throttle_delay", default=60,
        help="Doubled at each further failure, at most one hour.")
