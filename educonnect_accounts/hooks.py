from odoo import SUPERUSER_ID, api
from odoo.tools import config


def post_init_hook(cr, registry):
    """wkhtmltopdf fetches the report stylesheets over HTTP from this server."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.config_parameter"].set_param(
        "report.url", "http://127.0.0.1:%s" % config["http_port"])
