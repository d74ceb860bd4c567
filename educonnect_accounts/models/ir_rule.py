"""The record rules of an account action run in a given establishment.

The rules confine staff to ``user.company_id``, the establishment chosen
at the moment. An action that runs for an establishment given explicitly (a
background batch started in the collège goes on after its owner chose the
lycée) sets ``educonnect_company_id`` in its context, once it has checked
the role held there: the rules then see that establishment as the user's,
for this action only. The user's choice (``res_users.company_id``) is never
written, so their session is left alone.

The flag is internal: every ``educonnect_*`` key is dropped from the
contexts requests bring (``ir_http_context.py``), and it is honoured only
for an establishment the user holds.
"""
from odoo import api, models, tools


class _UserInCompany(object):
    """The user as the rules see them: ``company_id`` is the given one."""

    def __init__(self, user, company):
        self._user = user
        self.company_id = company

    def __getattr__(self, name):
        return getattr(self._user, name)


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        values = super()._eval_context()
        company_id = self.env.context.get("educonnect_company_id")
        user = values["user"]
        if company_id and company_id != user.company_id.id \
                and company_id in user.company_ids.ids:
            values["user"] = _UserInCompany(
                user, user.company_ids.browse(company_id))
        return values

    @api.model
    @tools.ormcache("self._uid", "model_name", "mode",
                    "self.env.context.get('educonnect_company_id')")
    def _compute_domain(self, model_name, mode="read"):
        # Odoo caches the domains per user only: the establishment the
        # rules see is part of the key here. Odoo's own computation runs
        # without its cache (its key would mix establishments).
        return super()._compute_domain.__wrapped__(self, model_name, mode)
