"""A real SMTP server on the loopback that keeps what it receives.

Odoo's outgoing mail server is pointed at it; the tests read the messages
back. Plain SMTP (RFC 5321) without TLS or authentication, enough for
smtplib. The standard library's smtpd is gone from Python 3.12.
"""
import email
import email.policy
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 localhost e2e catcher")
        mail_from, rcpt_to = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                mail_from, rcpt_to = line.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(line.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    if data.startswith(b".."):
                        data = data[1:]
                    chunks.append(data)
                if not self.server.catcher.accepts(rcpt_to):
                    self.reply("451 4.3.0 Mailbox temporarily unavailable")
                    continue
                message = email.message_from_bytes(b"".join(chunks),
                                                   policy=email.policy.default)
                self.server.catcher.received(mail_from, rcpt_to, message)
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpCatcher:
    """Started on a free loopback port; ``messages`` holds what came in."""

    def __init__(self):
        self.messages = []
        #: Addresses answered « 451 try again later »; ``tries`` counts
        #: every delivery attempt per address, refused or not.
        self.refuse = set()
        self.tries = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.catcher = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    def accepts(self, rcpt_to):
        with self._lock:
            for address in rcpt_to:
                self.tries[address] = self.tries.get(address, 0) + 1
            return not self.refuse & set(rcpt_to)

    def received(self, mail_from, rcpt_to, message):
        with self._lock:
            self.messages.append({"from": mail_from, "to": rcpt_to,
                                  "message": message})

    def to(self, address):
        """The messages sent to ``address``."""
        with self._lock:
            return [m for m in self.messages if address in m["to"]]

    def wait_for(self, address, count=1, seconds=60):
        """The messages to ``address`` once ``count`` arrived (fails after
        ``seconds``); returns them and the seconds waited."""
        import time
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if len(self.to(address)) >= count:
                return self.to(address), time.monotonic() - start
            time.sleep(0.2)
        raise AssertionError("%d mail(s) to %s did not arrive within %d s "
                             "(received: %d)" % (count, address, seconds,
                                                 len(self.to(address))))

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def message_text(message):
    """Every text part of a message, decoded."""
    return "\n".join(part.get_content() for part in message.walk()
                     if part.get_content_maintype() == "text")
