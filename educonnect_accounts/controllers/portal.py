from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

from ..models.educonnect_account_mixin import ACCOUNT_MODELS


class EduconnectPortal(CustomerPortal):
    """The portal home of a pupil or guardian shows their own EduConnect
    account (and a guardian's children), read for the signed-in user only."""

    def _prepare_portal_layout_values(self):
        values = super(EduconnectPortal, self)._prepare_portal_layout_values()
        request.context = dict(request.context, lang="fr_FR")
        accounts = []
        uid = request.env.uid
        for model in ACCOUNT_MODELS.values():
            # sudo: portal users may not read the classes of the children
            # shown; narrowed to the signed-in user's own account.
            for account in request.env[model].sudo().search([("user_id", "=", uid)]):
                children = []
                if model == ACCOUNT_MODELS["guardian"]:
                    children = [
                        {"name": link.student_id.name,
                         "class": link.student_id.class_id.name or ""}
                        for link in account.link_ids if link.student_id.active]
                accounts.append({
                    "login": account.login,
                    "establishment": account.company_id.name,
                    "state": dict(account.with_context(lang="fr_FR")
                                  ._fields["state"]._description_selection(
                                      account.with_context(lang="fr_FR").env))[account.state],
                    "email": account.email,
                    "email_confirmed": account.email_confirmed,
                    "children": children,
                })
        values["educonnect_accounts"] = accounts
        return values
