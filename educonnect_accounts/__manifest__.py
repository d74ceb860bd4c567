# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "EduConnect accounts",
    "summary": "Pupil and guardian EduConnect accounts of secondary schools: "
               "identifiants, states, (re)notification, lists, troubleshooting",
    "version": "11.0.1.0.0",
    "author": "EduConnect accounts for Odoo",
    "website": "https://github.com/educonnect-odoo/educonnect-accounts",
    "license": "LGPL-3",
    "category": "Education",
    "depends": ["base", "web", "mail", "portal"],
    "external_dependencies": {"python": ["cryptography"]},
    "data": [
        "security/educonnect_accounts_security.xml",
        "security/ir.model.access.csv",
        "security/educonnect_class_security.xml",
        "security/educonnect_student_security.xml",
        "security/educonnect_guardian_security.xml",
        "views/res_company_views.xml",
        "views/educonnect_mef_views.xml",
        "views/educonnect_class_views.xml",
        "views/educonnect_student_views.xml",
        "views/educonnect_guardian_views.xml",
        "views/educonnect_guardian_link_views.xml",
        "views/educonnect_home_views.xml",
        "views/educonnect_menus.xml",
    ],
    "demo": [
        "demo/educonnect_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
