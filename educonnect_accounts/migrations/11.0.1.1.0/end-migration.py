"""The demo generator left the product (11.0.1.1.0).

``educonnect.demo`` now belongs to the ``educonnect_accounts_demo`` addon. A
database made before still holds the model's registry rows under this
addon's name (its ``ir.model`` row, its fields and their external ids), and
Odoo warns at every start that the model « is declared but cannot be
loaded ». The external ids of this addon go; the model's rows go too unless
the demo addon (installed in the same run, or already) owns them now. The
model is abstract: no table to drop.
"""
import logging

_logger = logging.getLogger(__name__)

MODEL = "educonnect.demo"


def migrate(cr, version):
    if not version:
        return
    cr.execute(r"""
        DELETE FROM ir_model_data
         WHERE module = 'educonnect_accounts'
           AND (name = 'model_educonnect_demo'
                OR name LIKE 'field\_educonnect\_demo\_%%')""")
    dropped = cr.rowcount
    cr.execute("""
        SELECT 1 FROM ir_model_data
         WHERE model = 'ir.model'
           AND res_id IN (SELECT id FROM ir_model WHERE model = %s)""",
               (MODEL,))
    if not cr.fetchone():
        cr.execute("DELETE FROM ir_model_fields WHERE model = %s", (MODEL,))
        cr.execute("DELETE FROM ir_model WHERE model = %s", (MODEL,))
    if dropped:
        _logger.info("%s: %d external ids left by the product addon removed",
                     MODEL, dropped)
