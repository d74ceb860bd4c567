from odoo import api, models


class IrAttachment(models.Model):
    """Files holding provisional passwords (letters, lists) are kept out of
    Odoo's full-text index: ``index_content`` is a copy of a text file's
    content in a database column, readable far more widely than the file."""
    _inherit = "ir.attachment"

    @api.model
    def _index(self, bin_data, datas_fname, file_type):
        if self.env.context.get("educonnect_no_index"):
            return False
        return super()._index(bin_data, datas_fname, file_type)
