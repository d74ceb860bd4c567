"""The pages Odoo renders (``ir.ui.view``): the signed-in user's record as
the templates get it.

Odoo gives every QWeb page ``user_id`` and ``res_company`` from the user's
record; the first field a template reads (the name in the portal's menu)
fetches every column of the user and of its partner, about 150 fields,
under the user's access rules. A pupil's or guardian's page reads three of
them: the record is given field by field (``prefetch_fields``), which
halves the cost of reading it the first time a worker sees the user — every
sign-in of a rentrée morning (``bin/bench storm``).
"""
from odoo import api, models


class IrUiView(models.Model):
    _inherit = "ir.ui.view"

    @api.model
    def _prepare_qcontext(self):
        qcontext = super(IrUiView, self.with_context(prefetch_fields=False)) \
            ._prepare_qcontext()
        # Everything else the templates reach keeps the page's context.
        qcontext["env"] = self.env
        qcontext["res_company"] = qcontext["res_company"].with_env(
            self.env).sudo()
        return qcontext
