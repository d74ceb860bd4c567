"""The portal of pupils and guardians: « Mon compte EduConnect » (their
account, a guardian's children and the state of each child's account) and
« Mes coordonnées » (/my/account: e-mail, a guardian's mobile, password),
in place of Odoo's customer details (company name, street, country…).
Staff and other portal users keep Odoo's pages."""
from odoo import _, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

from ..models.educonnect_auth_throttle import remote_address
from .common import french


class EduconnectPortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super(EduconnectPortal, self)._prepare_portal_layout_values()
        french()
        service = request.env["educonnect.my.account"]
        account = service._mine()
        values["educonnect_accounts"] = [service._summary(account)] if account else []
        return values

    @http.route()
    def account(self, redirect=None, **post):
        service = request.env["educonnect.my.account"]
        account = service._mine()
        if not account:
            return super(EduconnectPortal, self).account(redirect=redirect, **post)
        french()
        values = self._prepare_portal_layout_values()
        values.update(page_name="my_details", errors={}, notices=[], form={})
        if request.httprequest.method == "POST":
            errors, notices, verification = service._update(account, post)
            if verification:
                request.session["educonnect_mobile"] = verification.id
            if not errors and post.get("new_password"):
                # Odoo derives the session token from the password hash:
                # the session goes on with the new one, once it is written.
                request.env.cr.commit()
                request.session.authenticate(request.session.db,
                                             account.login, post["new_password"])
            values.update(errors=errors, notices=notices,
                          first_error=next(iter(sorted(errors)), None),
                          form={} if not errors else post)
            values["educonnect_accounts"] = [service._summary(account)]
        return self._contact_page(account, values)

    def _contact_page(self, account, values):
        values["educonnect_account"] = values["educonnect_accounts"][0]
        values["mobile_pending"] = bool(
            request.session.get("educonnect_mobile")
            and account.mobile and not account.mobile_confirmed)
        values["page_title"] = _("My contact details")
        response = request.render("educonnect_accounts.portal_my_contact", values)
        response.headers["Cache-Control"] = "no-store"
        return response

    @http.route("/my/account/confirm-mobile", type="http", auth="user",
                methods=["POST"], sitemap=False)
    def confirm_mobile(self, code="", **kwargs):
        """The SMS code confirming a guardian's new mobile number."""
        service = request.env["educonnect.my.account"]
        account = service._mine()
        if not account:
            return request.redirect("/my/account")
        french()
        values = self._prepare_portal_layout_values()
        values.update(page_name="my_details", errors={}, notices=[], form={})
        error = service._confirm_mobile(
            account, request.session.get("educonnect_mobile"), code,
            remote_address())
        if error:
            values.update(errors={"code": error}, first_error="code")
        else:
            request.session.pop("educonnect_mobile", None)
            values["notices"] = [_("Your mobile number is confirmed.")]
            values["educonnect_accounts"] = [service._summary(account)]
        return self._contact_page(account, values)
