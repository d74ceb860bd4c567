"""Tests that need committed data: what a served Odoo, an SMTP server or a
second transaction sees. Everything they create is removed afterwards."""
import asyncore
import contextlib
import email
import smtpd
import threading

import odoo
from odoo.tests.common import get_db_name


@contextlib.contextmanager
def committed_env(uid=odoo.SUPERUSER_ID, context=None):
    """An environment on a new cursor, committed on success."""
    registry = odoo.registry(get_db_name())
    with api_manage(), registry.cursor() as cr:
        yield odoo.api.Environment(cr, uid, context or {})


@contextlib.contextmanager
def api_manage():
    with odoo.api.Environment.manage():
        yield


class SmtpCatcher(smtpd.SMTPServer):
    """A real SMTP server on the loopback, keeping what it receives. Mails to
    an address of ``refuse`` get « 451 » (try again later) and are not
    kept; ``tries`` counts every attempt per address."""

    def __init__(self):
        self.refuse = set()
        self.tries = {}
        self._map = {}
        smtpd.SMTPServer.__init__(self, ("127.0.0.1", 0), None,
                                  map=self._map, decode_data=False)
        self.port = self.socket.getsockname()[1]
        self.messages = []
        self._thread = threading.Thread(
            target=asyncore.loop, kwargs={"timeout": 0.05, "map": self._map},
            daemon=True)
        self._thread.start()

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        for address in rcpttos:
            self.tries[address] = self.tries.get(address, 0) + 1
        if self.refuse & set(rcpttos):
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.messages.append((mailfrom, rcpttos, email.message_from_bytes(data)))

    def stop(self):
        self.close()
        self._thread.join(5)


def message_text(message):
    """Every text part of a message, decoded."""
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_payload(decode=True).decode(
                part.get_content_charset() or "utf-8"))
    return "\n".join(parts)


@contextlib.contextmanager
def really_sending_mail():
    """Odoo skips SMTP in test mode; the loopback catcher is our server."""
    thread = threading.current_thread()
    testing = getattr(thread, "testing", False)
    thread.testing = False
    try:
        yield
    finally:
        thread.testing = testing


_HTTP = {}


def ensure_http_server():
    """Serve this Odoo (the test database) on config's http_port, once."""
    import socket
    from odoo.tools import config
    port = int(config["http_port"])
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return port
    if "server" not in _HTTP:
        from odoo.service import server, wsgi_server
        _HTTP["server"] = server.ThreadedServer(wsgi_server.application)
        _HTTP["server"].http_spawn()
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            threading.Event().wait(0.1)
    return port


def run_queued_jobs(models=("educonnect.verification", "mail.mail")):
    """What the job runner does as soon as a request commits: perform the
    pending jobs of ``models`` (codes, e-mails), each in its own committed
    transaction, as /queue_job/runjob does. Returns how many ran."""
    from odoo.addons.queue_job.job import Job
    with committed_env() as env:
        uuids = env["queue.job"].search([
            ("model_name", "in", list(models)), ("state", "=", "pending")],
            order="id").mapped("uuid")
    for uuid in uuids:
        with committed_env() as env, really_sending_mail():
            job = Job.load(env, uuid)
            job.set_started()
            job.store()
            job.perform()
            job.set_done()
            job.store()
    return len(uuids)
