"""Odoo served for the benches as a production site serves it, and a
JSON-RPC client that calls it as the web client does."""
import itertools
import os
import subprocess
import sys
import time

import requests


def serve(args, port, logname="bench-load-odoo.log", limits=True):
    """Odoo served as a production site (``--workers``, the job runner, no
    cron) on ``port``; returns the process once it answers."""
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "..", "bin",
                                        "odoo-bin"),
           "-c", args.config, "-d", args.database, "--workers", str(args.workers),
           "--max-cron-threads", "0", "--log-level", "warn",
           "--logfile", os.path.join(os.path.dirname(args.config), logname)]
    if limits:
        cmd += ["--limit-time-real", "600", "--limit-time-cpu", "300"]
    server = subprocess.Popen(cmd)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get("http://127.0.0.1:%d/web/login" % port,
                            timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(1)
    server.kill()
    raise SystemExit("Odoo did not answer on port %d" % port)


class RpcError(Exception):
    pass


class Client(object):
    """JSON-RPC as the web client calls it, in one session. With a
    ``journal`` (a list shared by clients), each call appends its entry
    ``[began, ended, path, error]`` when it starts and fills it when it
    ends (``ended`` None: still under way; ``error`` None: it succeeded)."""
    ids = itertools.count(1)

    def __init__(self, base, db, journal=None):
        self.base, self.db = base, db
        self.http = requests.Session()
        self.journal = journal

    def call(self, path, params):
        entry = [time.time(), None, path, None]
        if self.journal is not None:
            self.journal.append(entry)
        try:
            response = self.http.post(self.base + path, timeout=120, json={
                "jsonrpc": "2.0", "method": "call", "params": params,
                "id": next(self.ids)})
            response.raise_for_status()
            data = response.json()
            if data.get("error"):
                raise RpcError(data["error"].get("data", {}).get("message")
                               or data["error"].get("message"))
            return data["result"]
        except Exception as exc:
            entry[3] = str(exc) or type(exc).__name__
            raise
        finally:
            entry[1] = time.time()

    def login(self, login, password):
        result = self.call("/web/session/authenticate", {
            "db": self.db, "login": login, "password": password})
        if not result.get("uid"):
            raise RpcError("login failed for %s" % login)
        self.context = result["user_context"]
        # The session cookie of this sign-in (Odoo gives a new one).
        self.session_id = self.http.cookies.get("session_id")

    def call_kw(self, model, method, args, kwargs=None):
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", self.context)
        return self.call("/web/dataset/call_kw/%s/%s" % (model, method), {
            "model": model, "method": method, "args": args, "kwargs": kwargs})

    def search_read(self, model, domain, fields):
        return self.call("/web/dataset/search_read", {
            "model": model, "domain": domain, "fields": fields, "limit": 80,
            "sort": "", "context": self.context})
