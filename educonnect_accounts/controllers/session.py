"""Odoo's own session routes, made safe: sign-out follows only a local
redirection; a password changed from the user menu obeys the chosen-password
rule with its own message (Odoo would say « the old password is incorrect »
for any refusal)."""
import werkzeug.utils

from odoo import _, http
from odoo.addons.web.controllers.main import Session
from odoo.http import request

from ..tools.redirects import local_redirect


class EduconnectSession(Session):

    @http.route()
    def logout(self, redirect="/web"):
        redirect = local_redirect(redirect, request.httprequest.host) or "/web"
        return super(EduconnectSession, self).logout(redirect=redirect)

    @http.route()
    def change_password(self, fields):
        values = {f.get("name"): f.get("value") for f in fields or []}
        new = values.get("new_password") or ""
        if new.strip() and new == values.get("confirm_pwd"):
            user = request.env.user
            error = user._educonnect_password_error(new, user.login)
            if error:
                return {"error": error, "title": _("Password not changed")}
        return super(EduconnectSession, self).change_password(fields)
