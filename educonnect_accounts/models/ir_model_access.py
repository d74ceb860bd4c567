"""The access errors of EduConnect screens, in the words of staff.

Odoo's message names the model in code (« Document model:
educonnect.student ») and the groups allowed as stored, untranslated
(« EduConnect/Director »): the staff member reads which role does it, in
French, and what the document is.
"""
from odoo import _, api, models
from odoo.addons.base.ir.ir_model import IrModelAccess as OdooModelAccess
from odoo.exceptions import AccessError


class IrModelAccess(models.Model):
    _inherit = "ir.model.access"

    @api.model
    def check(self, model, mode="read", raise_exception=True):
        try:
            return super().check(model, mode=mode,
                                 raise_exception=raise_exception)
        except AccessError:
            if not (isinstance(model, str) and model.startswith("educonnect.")):
                raise
            raise AccessError(self._educonnect_refusal(model, mode))

    # Odoo clears the cache of its (cached) check through this attribute of
    # the method whenever rights change: the override keeps it.
    check.clear_cache = OdooModelAccess.check.clear_cache

    def _educonnect_refusal(self, model, mode):
        sentences = {
            "read": _("Your role in this establishment does not allow you to "
                      "view this document (%s)."),
            "write": _("Your role in this establishment does not allow you "
                       "to change this document (%s)."),
            "create": _("Your role in this establishment does not allow you "
                        "to create this document (%s)."),
            "unlink": _("Your role in this establishment does not allow you "
                        "to delete this document (%s)."),
        }
        # sudo: the translated name of the model, whoever reads it.
        document = self.env["ir.model"].sudo()._get(model).name or model
        message = sentences[mode] % document
        groups = self._educonnect_group_names(model, mode)
        if groups:
            message += "\n" + _("Roles allowed: %s.") % ", ".join(groups)
        return message

    def _educonnect_group_names(self, model, mode):
        """The groups allowed, in the reader's language (Odoo reads them in
        SQL, untranslated)."""
        if mode not in ("read", "write", "create", "unlink"):
            return []
        self._cr.execute(
            "SELECT DISTINCT a.group_id FROM ir_model_access a "
            "JOIN ir_model m ON m.id = a.model_id "
            "WHERE m.model = %s AND a.active IS TRUE AND a.group_id IS NOT NULL "
            "AND a.perm_" + mode, (model,))
        ids = [row[0] for row in self._cr.fetchall()]
        # sudo: the names of the groups, which staff may not read themselves.
        groups = self.env["res.groups"].sudo().browse(ids)
        return sorted(groups.mapped("name"))

    @api.model
    def group_names_with_access(self, model_name, access_mode):
        if not model_name.startswith("educonnect."):
            return super().group_names_with_access(model_name, access_mode)
        return self._educonnect_group_names(model_name, access_mode)
