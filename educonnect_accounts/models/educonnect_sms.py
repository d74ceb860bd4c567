"""SMS sending: a provider interface and a real HTTP implementation.

The provider is chosen by the system parameter ``educonnect.sms_provider``
(``http`` by default); the HTTP provider POSTs JSON
``{"to": "+336…", "message": "…", "sender": "EduConnect"}`` to
``educonnect.sms_url`` with ``Authorization: Bearer <educonnect.sms_api_key>``,
the shape of most SMS gateways' REST APIs. Another provider is a method
``_send_sms_<name>(number, text)`` added by a module.
"""
import logging

import requests

from odoo import _, api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class EduconnectSmsGateway(models.AbstractModel):
    _name = "educonnect.sms.gateway"
    _description = "SMS gateway"

    @api.model
    def _params(self):
        # sudo: the gateway's address and key are system parameters, which
        # only administrators read; the sender is whoever sends a code.
        return self.env["ir.config_parameter"].sudo()

    @api.model
    def _send_sms(self, number, text):
        """Send ``text`` to ``number`` (E.164). Raises UserError when the
        provider is not configured or refuses; never logs the text (it holds
        a code)."""
        params = self._params()
        provider = params.get_param("educonnect.sms_provider") or "http"
        method = getattr(self, "_send_sms_%s" % provider, None)
        if method is None:
            raise UserError(_("Unknown SMS provider: %s") % provider)
        return method(number, text)

    @api.model
    def _send_sms_http(self, number, text):
        params = self._params()
        url = params.get_param("educonnect.sms_url")
        key = params.get_param("educonnect.sms_api_key")
        if not url:
            raise UserError(_("No SMS gateway is configured."))
        try:
            response = requests.post(
                url, json={"to": number, "message": text,
                           "sender": params.get_param("educonnect.sms_sender")
                           or "EduConnect"},
                headers={"Authorization": "Bearer %s" % (key or "")},
                timeout=10)
        except requests.RequestException as error:
            _logger.warning("SMS gateway unreachable: %s", type(error).__name__)
            raise UserError(_("The SMS could not be sent."))
        if response.status_code >= 300:
            _logger.warning("SMS gateway refused the message: HTTP %s",
                            response.status_code)
            raise UserError(_("The SMS could not be sent."))
        return True
