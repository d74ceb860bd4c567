"""A production database installs educonnect_accounts (and the statistics)
only: neither of them holds the demo generator, its password or its staff;
those are in the educonnect_accounts_demo addon, which only bin/demo
installs."""
import os

from odoo.modules.module import load_information_from_description_file
from odoo.tests.common import TransactionCase

ADDONS = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
PRODUCT = ("educonnect_accounts", "educonnect_accounts_stats")


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
