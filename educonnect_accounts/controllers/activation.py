import logging

import werkzeug.utils

from odoo import _, fields, http
from odoo.http import request

_logger = logging.getLogger(__name__)


def check_chosen_password(password, confirm, login):
    """The form's two passwords against the rule of the users model
    (SECURITY.md P4). Returns an error message in the user's language, or
    None."""
    if password != confirm:
        return _("The two passwords are different.")
    return request.env["res.users"]._educonnect_password_error(password, login)


class EduconnectActivation(http.Controller):
    """Activation through the single-use link e-mailed to a guardian."""

    def _account(self, token):
        env = request.env(user=1)  # the visitor is not signed in yet
        for model in ("educonnect.guardian", "educonnect.student"):
            account = env[model]._educonnect_from_token(token)
            if account:
                return account
        return None

    def _render(self, values):
        # Pupils and guardians get the French screens of the guide.
        request.context = dict(request.context, lang="fr_FR")
        return request.render("educonnect_accounts.activation_page", values)

    @http.route("/educonnect/activation", type="http", auth="public",
                methods=["GET"], website=False, sitemap=False)
    def activation_form(self, token=None, **kwargs):
        account = self._account(token)
        if not account:
            return self._render({"invalid": True})
        return self._render({"token": token, "login": account.login})

    @http.route("/educonnect/activation", type="http", auth="public",
                methods=["POST"], website=False, sitemap=False)
    def activation_submit(self, token=None, password="", confirm="", **kwargs):
        request.context = dict(request.context, lang="fr_FR")
        account = self._account(token)
        if not account:
            return self._render({"invalid": True})
        error = check_chosen_password(password, confirm, account.login)
        if error:
            return self._render({"token": token, "login": account.login,
                                 "error": error})
        user = account._educonnect_activate(password, email_confirmed=True)
        request.env.cr.commit()
        request.session.authenticate(request.session.db, account.login,
                                     password)
        return werkzeug.utils.redirect("/my", 303)
