from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class EduconnectPortal(CustomerPortal):
    """The portal home (/my) of a pupil or guardian says which EduConnect
    account they hold: without it, an activated holder lands on an empty
    « Vos documents » page."""

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        user = request.env.user
        accounts = []
        for model in ("educonnect.student", "educonnect.guardian"):
            # sudo: portal users may not read the account tables; they only
            # get their own account (user_id), its login and establishment.
            for account in request.env[model].sudo().search(
                    [("user_id", "=", user.id), ("state", "=", "activated")]):
                accounts.append({"login": account.login,
                                 "establishment": account.company_id.name})
        values["educonnect_accounts"] = accounts
        return values
