"""PDF documents drawn entirely in their own page body.

Odoo's standard path wraps every report in the Bootstrap stylesheet bundle,
fetched over HTTP, and prints header and footer as separate documents on
every page: about 13 s and 750 MiB for 200 letters here. Our letters and
lists are self-contained HTML (their own small stylesheet, header and footer
in the body), rendered by QWeb and given straight to Odoo's wkhtmltopdf
runner with the report's paper format.
"""


def render_standalone_pdf(report, docids, data):
    """Render ``report`` (a self-contained QWeb document) to PDF bytes."""
    report = report.with_context(lang="fr_FR")
    html, _fmt = report.render_qweb_html(docids, data=data)
    return report._run_wkhtmltopdf([html])
