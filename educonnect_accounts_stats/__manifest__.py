# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "EduConnect accounts statistics",
    "summary": "Activation statistics of the pupil and guardian accounts "
               "(Statistiques tab of the EduConnect guide)",
    "version": "11.0.1.0.0",
    "author": "EduConnect accounts for Odoo",
    "website": "https://github.com/educonnect-odoo/educonnect-accounts",
    "license": "LGPL-3",
    "category": "Education",
    "depends": ["educonnect_accounts"],
    "data": [
        "security/ir.model.access.csv",
        "security/educonnect_account_summary_security.xml",
        "views/educonnect_account_summary_views.xml",
    ],
    "installable": True,
}
