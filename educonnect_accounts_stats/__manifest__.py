# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "EduConnect accounts statistics",
    "summary": "Nightly activation statistics of the pupil and guardian "
               "accounts (section 5 of the EduConnect guide), history, exports",
    "version": "11.0.1.0.0",
    "author": "EduConnect accounts for Odoo",
    "website": "https://github.com/educonnect-odoo/educonnect-accounts",
    "license": "LGPL-3",
    "category": "Education",
    "depends": ["educonnect_accounts", "report_xlsx", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/educonnect_stats_line_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/educonnect_stats_views.xml",
        "views/res_company_views.xml",
    ],
    "installable": True,
}
