"""A loopback SMS gateway that keeps what it receives.

The product sends an SMS by POSTing JSON ``{"to", "message", "sender"}``
to the system parameter ``educonnect.sms_url`` with a bearer key
(``educonnect_accounts/models/educonnect_sms.py``, the shape of most SMS
gateways' REST APIs); the suite points that parameter here, as it points
the outgoing mail server at its SMTP catcher, and reads the SMS back.
"""
import http.server
import json
import threading
import time


class SmsCatcher:
    """Started on a free loopback port; ``messages`` holds what came in
    (the JSON body, and the Authorization header it came with)."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        catcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"] or 0))
                with catcher._lock:
                    catcher.messages.append(dict(
                        json.loads(body),
                        authorization=self.headers.get("Authorization")))
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/sms" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    def to(self, number):
        """The SMS sent to ``number`` (E.164)."""
        with self._lock:
            return [m for m in self.messages if m.get("to") == number]

    def wait_for(self, number, count=1, seconds=60):
        """The SMS to ``number`` once ``count`` arrived (fails after
        ``seconds``); returns them and the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if len(self.to(number)) >= count:
                return self.to(number), time.monotonic() - start
            time.sleep(0.2)
        raise AssertionError("%d SMS to %s did not arrive within %d s "
                             "(received: %d)" % (count, number, seconds,
                                                 len(self.to(number))))

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
