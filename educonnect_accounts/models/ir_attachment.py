from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError

#: Models whose files hold provisional passwords (letters, lists).
PASSWORD_FILE_MODELS = ("educonnect.batch", "educonnect.batch.chunk",
                        "educonnect.list.wizard", "educonnect.notify.wizard",
                        "educonnect.reset.wizard")


class IrAttachment(models.Model):
    """Files holding provisional passwords (letters, lists):

    - kept out of Odoo's full-text index: ``index_content`` is a copy of a
      text file's content in a database column, readable far more widely
      than the file;
    - made and changed by the system only: Odoo lets whoever may write the
      linked record change its attachments too, e.g. make a list of
      passwords ``public`` (downloadable by anyone with its id) or move it.
      Staff download them; they never create or change them.
    """
    _inherit = "ir.attachment"

    @api.model
    def _index(self, bin_data, datas_fname, file_type):
        if self.env.context.get("educonnect_no_index"):
            return False
        return super()._index(bin_data, datas_fname, file_type)

    def _educonnect_check_password_files(self, res_models):
        if self.env.uid != SUPERUSER_ID \
                and set(res_models) & set(PASSWORD_FILE_MODELS):
            raise AccessError(_("Files of letters and lists are made by "
                                "EduConnect only and cannot be changed."))

    @api.model
    def create(self, vals):
        self._educonnect_check_password_files([vals.get("res_model")])
        return super().create(vals)

    @api.multi
    def write(self, vals):
        self._educonnect_check_password_files(
            self.sudo().mapped("res_model") + [vals.get("res_model")])
        return super().write(vals)

    @api.multi
    def unlink(self):
        self._educonnect_check_password_files(self.sudo().mapped("res_model"))
        return super().unlink()
