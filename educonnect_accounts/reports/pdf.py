"""PDF documents drawn entirely in their own page body.

Odoo's standard path wraps every report in the Bootstrap stylesheet bundle,
fetched over HTTP, and prints header and footer as separate documents on
every page: about 13 s and 750 MiB for 200 letters here. Our letters and
lists are self-contained HTML (their own small stylesheet, header and footer
in the body), rendered by QWeb and turned into PDF by wkhtmltopdf with the
report's paper format.

A long run of letters (2,000 pupils) is cut into documents: while this
process renders the HTML of the next document, wkhtmltopdf processes (one
per processor) print the previous ones, and the documents are joined in
order (issue 19: the 11 s of processor time of 2,000 letters were spent one
stage after the other on one core; they now share every core; see
BENCHMARKS.md).

The HTML goes to wkhtmltopdf on its standard input and the PDF comes back
on its standard output: the provisional passwords of the letters are never
written to a temporary file, not even when something fails.
"""
import functools
import io
import os
import subprocess
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from PyPDF2 import PdfFileReader, PdfFileWriter

from odoo import fields
from odoo.addons.base.ir.ir_actions_report import _get_wkhtmltopdf_bin


def render_html(report, docids, data):
    """The self-contained HTML of ``report`` for ``docids``, in French.

    The values are the report's ``get_report_values`` (with the caller's
    rights), plus those Odoo's report rendering adds, rendered without the
    editor's branding (``data-oe-*`` attributes on every translated node,
    which ``ir.actions.report.render_template`` asks for: a third of the
    letters' HTML, for nothing on paper)."""
    report = report.with_context(lang="fr_FR")
    model = report.env.get("report.%s" % report.report_name)
    if model is not None:
        values = model.get_report_values(docids, data=data)
    else:
        values = {"doc_ids": docids, "doc_model": report.model,
                  "docs": report.env[report.model].browse(docids)}
    user = report.env["res.users"].browse(report.env.uid)
    values.update(
        time=time,
        context_timestamp=lambda t: fields.Datetime.context_timestamp(
            report.with_context(tz=user.tz), t),
        editable=False, user=user, res_company=user.company_id, website=None,
        web_base_url=report.env["ir.config_parameter"].sudo().get_param(
            "web.base.url", default=""))
    return report.env["ir.ui.view"].render_template(report.report_name,
                                                    values)


def wkhtmltopdf_command(report):
    """The wkhtmltopdf command for ``report``'s paper format, reading the
    HTML on its standard input and writing the PDF on its standard output.

    Not the user's session cookie Odoo passes (our documents fetch nothing,
    and a session id does not belong on a command line); no JavaScript
    delay (wkhtmltopdf waits 200 ms per document for scripts the documents
    do not have); no outline (the letters' titles, 2,000 times)."""
    args = report._build_wkhtmltopdf_args(
        report.paperformat_id or report.env.user.company_id.paperformat_id,
        False)
    if "--cookie" in args:
        index = args.index("--cookie")
        del args[index:index + 3]
    return [_get_wkhtmltopdf_bin()] + args + [
        "--javascript-delay", "0", "--no-outline", "-", "-"]


#: The smallest document worth its own wkhtmltopdf process (about 30 ms
#: of starting for 80 ms of printing).
SMALLEST_DOCUMENT = 25


def letters_per_document(count, largest):
    """How many one-page letters each document holds, for ``count``
    letters: at most ``largest``, and few enough that each processor has
    about four documents to print (none left idle while the last prints)."""
    return max(SMALLEST_DOCUMENT,
               min(largest, -(-count // (processes() * 4))))


def processes():
    """How many wkhtmltopdf processes print at once: one per processor
    this server may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class PrintError(Exception):
    """wkhtmltopdf failed: (return code, the end of its error output)."""


class _Printer(object):
    """wkhtmltopdf processes printing documents (called from the threads
    of a pool); those still running are killed if the printing is given
    up."""

    def __init__(self, command):
        self.command = command
        self.running = set()
        self.lock = threading.Lock()
        self.stopped = False

    def print_pdf(self, html):
        with self.lock:
            if self.stopped:
                raise PrintError(None, "stopped")
            process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
            self.running.add(process)
        try:
            pdf, err = process.communicate(html)
        finally:
            with self.lock:
                self.running.discard(process)
        # 1: wkhtmltopdf's « done, with warnings » (accepted, as Odoo does).
        if process.returncode not in (0, 1) or not pdf.startswith(b"%PDF"):
            raise PrintError(process.returncode,
                             err.decode("utf-8", "replace")[-1000:])
        return pdf

    def stop(self):
        with self.lock:
            self.stopped = True
            for process in self.running:
                try:
                    process.kill()
                except OSError:
                    pass


def render_documents_pdf(report, documents):
    """One PDF of the self-contained QWeb documents ``documents`` of
    ``report`` (a list of (docids, data)), their pages in order.

    The HTML of each document is rendered here, one after the other (the
    ORM is this thread's); each is printed by a wkhtmltopdf process as soon
    as it is rendered, :func:`processes` at a time, and the PDFs are joined
    in the documents' order. Raises ``PrintError`` if wkhtmltopdf fails."""
    documents = list(documents)
    printer = _Printer(wkhtmltopdf_command(report))
    if len(documents) == 1:
        # Nothing to run beside it: printed from this thread.
        return printer.print_pdf(render_html(report, *documents[0]))
    workers = processes()
    writer = PdfFileWriter()
    pending = deque()
    pool = ThreadPoolExecutor(max_workers=workers,
                              thread_name_prefix="educonnect-pdf")
    try:
        for docids, data in documents:
            pending.append(pool.submit(printer.print_pdf,
                                       render_html(report, docids, data)))
            # One document waits for a process at most: the processes never
            # wait for this thread, and the HTML and PDF held in memory are
            # those of a few documents.
            while len(pending) > workers or (pending and pending[0].done()):
                _append(writer, pending.popleft().result())
        while pending:
            _append(writer, pending.popleft().result())
    except BaseException:
        printer.stop()
        raise
    finally:
        pool.shutdown(wait=True)
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


def _append(writer, pdf):
    writer.appendPagesFromReader(PdfFileReader(io.BytesIO(pdf)))


def render_standalone_pdf(report, docids, data):
    """Render ``report`` (a self-contained QWeb document) to PDF bytes."""
    return report.render_educonnect_documents_pdf([(docids, data)])


def html_to_pdf(report, html):
    """PDF bytes of ``html`` with the paper format of ``report`` (one
    wkhtmltopdf process; for the benchmark of the stages)."""
    return _Printer(wkhtmltopdf_command(report)).print_pdf(html)


def join_pdfs(documents):
    """One PDF of the pages of ``documents`` (PDF bytes), in order."""
    if len(documents) == 1:
        return documents[0]
    writer = PdfFileWriter()
    for pdf in documents:
        _append(writer, pdf)
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


@functools.lru_cache(maxsize=64)
def format_date(value):
    """« 28/02/2027 » for a date string of the ORM (many letters share one)."""
    return fields.Date.from_string(value).strftime("%d/%m/%Y") if value else ""
