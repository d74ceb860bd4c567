# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "EduConnect accounts demo",
    "summary": "Demo data of the EduConnect accounts: a collège and a lycée, "
               "their pupils, guardians and staff (never in production)",
    "version": "11.0.1.0.0",
    "author": "EduConnect accounts for Odoo",
    "website": "https://github.com/educonnect-odoo/educonnect-accounts",
    "license": "LGPL-3",
    "category": "Education",
    "depends": ["educonnect_accounts", "educonnect_accounts_stats"],
    "data": [],
    # Demo, not data: a database made without demo data (the test template)
    # gets the generator but not its thousand people.
    "demo": [
        "demo/educonnect_demo.xml",
    ],
    "installable": True,
}
