"""A production database installs educonnect_accounts (and the statistics)
only: neither of them holds the demo generator, its password or its staff;
those are in the educonnect_accounts_demo addon, which only bin/demo
installs."""
import importlib.util
import os

from odoo.modules.module import load_information_from_description_file
from odoo.tests.common import TransactionCase

ADDONS = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
PRODUCT = ("educonnect_accounts", "educonnect_accounts_stats")
MIGRATION = os.path.join(ADDONS, "educonnect_accounts", "migrations",
                         "11.0.1.1.0", "end-migration.py")


class TestNoDemoInProduction(TransactionCase):

    def test_product_addons_register_no_demo_model(self):
        for name, model in self.env.registry.items():
            for cls in type(model).__mro__:
                module = getattr(cls, "_module", None)
                if module in PRODUCT and cls.__module__.startswith(
                        "odoo.addons.%s." % module):
                    self.assertNotIn("demo", name, "%s defines %s"
                                     % (cls.__module__, name))
        if "educonnect.demo" in self.env:
            # Installed here (the test database holds every addon): it comes
            # from the demo addon alone.
            self.assertEqual(self.env["educonnect.demo"]._module,
                             "educonnect_accounts_demo")

    def test_product_addons_load_no_demo_file(self):
        for addon in PRODUCT:
            manifest = load_information_from_description_file(addon)
            self.assertFalse([f for f in manifest.get("demo", [])
                              if "educonnect_demo" in f], addon)
            self.assertNotIn("educonnect_accounts_demo", manifest["depends"])

    def test_product_code_holds_no_demo_password_or_staff(self):
        for addon in PRODUCT:
            for folder, _dirs, files in os.walk(os.path.join(ADDONS, addon)):
                if os.sep + "tests" in folder[len(ADDONS):]:
                    continue
                for name in files:
                    if not name.endswith((".py", ".xml", ".csv")):
                        continue
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        text = f.read()
                    for secret in ("DEMO_PASSWORD", "DEMO_STAFF",
                                   "direction.college"):
                        self.assertNotIn(secret, text, os.path.join(folder, name))

    def _leftover(self):
        """The registry rows a database made before 11.0.1.1.0 holds: the
        demo model and a field, with the product addon's external ids."""
        cr = self.env.cr
        cr.execute("""INSERT INTO ir_model (model, name, state, transient)
                      VALUES ('educonnect.demo', 'Demo', 'base', false)
                      RETURNING id""")
        model_id = cr.fetchone()[0]
        cr.execute("""INSERT INTO ir_model_fields
                          (model_id, model, name, field_description, ttype,
                           state, store)
                      VALUES (%s, 'educonnect.demo', 'seed', 'Seed',
                              'integer', 'base', false) RETURNING id""",
                   [model_id])
        field_id = cr.fetchone()[0]
        for name, model, res_id in (
                ("model_educonnect_demo", "ir.model", model_id),
                ("field_educonnect_demo_seed", "ir.model.fields", field_id)):
            cr.execute("""INSERT INTO ir_model_data (module, name, model, res_id)
                          VALUES ('educonnect_accounts', %s, %s, %s)""",
                       [name, model, res_id])
        return model_id

    def _migrate(self):
        spec = importlib.util.spec_from_file_location("end_migration",
                                                      MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "11.0.1.0.0")

    def _rows(self, model_id):
        cr = self.env.cr
        cr.execute("""SELECT (SELECT count(*) FROM ir_model WHERE id = %s),
                             (SELECT count(*) FROM ir_model_fields
                               WHERE model_id = %s),
                             (SELECT count(*) FROM ir_model_data
                               WHERE module = 'educonnect_accounts'
                                 AND name LIKE '%%educonnect_demo%%')""",
                   [model_id, model_id])
        return cr.fetchone()

    def test_an_older_database_loses_the_demo_model_left_by_the_product(self):
        if "educonnect.demo" in self.env:
            self.skipTest("the demo addon is installed in this database")
        model_id = self._leftover()
        self.assertEqual(self._rows(model_id), (1, 1, 2))
        self._migrate()
        self.assertEqual(self._rows(model_id), (0, 0, 0))

    def test_the_demo_addon_keeps_the_model_it_owns_after_the_migration(self):
        if "educonnect.demo" in self.env:
            self.skipTest("the demo addon is installed in this database")
        model_id = self._leftover()
        self.env.cr.execute(
            """INSERT INTO ir_model_data (module, name, model, res_id)
               VALUES ('educonnect_accounts_demo', 'model_educonnect_demo',
                       'ir.model', %s)""", [model_id])
        self._migrate()
        # The product's external ids go; the model stays, the demo's.
        self.assertEqual(self._rows(model_id), (1, 1, 0))
