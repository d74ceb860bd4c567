"""Secret fields protected on the model, not only in the views.

Odoo 11 refuses to ``read`` a field whose ``groups`` the user lacks and hides
it from ``fields_get``, but still lets the same user use it in a search
domain, an ``order``, a ``read_group`` or ``export_data``: each of them is an
oracle on the value (``provisional_password_crypt =like 'gAAAA%'``, grouping
by the activation-link hash…). The models holding or reaching such fields
refuse them there too.
"""
import re

from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class EduconnectFieldGuard(models.AbstractModel):
    _name = "educonnect.field.guard"
    _description = "Protection of secret fields"

    def _educonnect_check_path(self, path, sep):
        """Refuse ``path`` (``a.b.c`` or ``a/b/c``) if it goes through a field
        the user may not read."""
        if self.env.uid == SUPERUSER_ID or not isinstance(path, str):
            return
        model = self
        for name in path.split(sep):
            field = model._fields.get(name.strip())
            if field is None:
                return  # id, .id, unknown names: Odoo answers as usual
            if field.groups and not model.user_has_groups(field.groups):
                raise AccessError(_(
                    "The requested operation cannot be completed due to "
                    "security restrictions. Please contact your system "
                    "administrator.\n\n(Document type: %s, Operation: %s)")
                    % (model._description, "read"))
            if not field.relational:
                return
            model = self.env[field.comodel_name]

    def _educonnect_check_domain(self, domain):
        for leaf in domain or []:
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3:
                self._educonnect_check_path(leaf[0], ".")

    def _educonnect_check_names(self, specs):
        """Order clauses (``name desc``), read_group fields and groupbys
        (``name:count``, ``date:month``, ``alias:sum(name)``)."""
        if isinstance(specs, str):
            specs = specs.split(",")
        for spec in specs or []:
            if isinstance(spec, str):
                for name in _NAME.findall(spec):
                    if name in self._fields:
                        self._educonnect_check_path(name, ".")

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        self._educonnect_check_domain(args)
        self._educonnect_check_names(order)
        return super()._search(args, offset=offset, limit=limit, order=order,
                               count=count, access_rights_uid=access_rights_uid)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        self._educonnect_check_domain(domain)
        self._educonnect_check_names(fields)
        self._educonnect_check_names(
            [groupby] if isinstance(groupby, str) else groupby)
        self._educonnect_check_names(orderby)
        return super().read_group(domain, fields, groupby, offset=offset,
                                  limit=limit, orderby=orderby, lazy=lazy)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        for path in fields_to_export:
            self._educonnect_check_path(path, "/")
        return super().export_data(fields_to_export, raw_data=raw_data)
