"""Wait until Odoo answers, then build its web assets before anyone signs in.

Odoo 11 compiles the stylesheets (LESS) and joins the scripts of a bundle
the first time a page asks for them: the first staff sign-in after a start
took more than ten seconds. This asks for the login page (public bundles)
and, signed in as the demo administrator, for the back office and every
stylesheet and script it links, so that the first real visitor gets them
ready-made.

Usage: python warm_up.py URL DB SERVER_PID
"""
import os
import re
import sys
import time

import requests

LOGIN, PASSWORD = "admin", "admin"


def wait_for(url, pid, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit("Odoo stopped while starting")
        try:
            if requests.get(url + "/web/login", timeout=60).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    sys.exit("Odoo does not answer on %s" % url)


def fetch_assets(session, url, page):
    for path in sorted(set(re.findall(
            r'(?:href|src)="(/web/content/[^"]+\.(?:css|js))"', page))):
        session.get(url + path, timeout=300)


def main(url, db, pid):
    started = time.time()
    wait_for(url, int(pid))
    session = requests.Session()
    fetch_assets(session, url, session.get(url + "/web/login", timeout=300).text)
    answer = session.post(url + "/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"db": db, "login": LOGIN, "password": PASSWORD}}, timeout=60)
    if answer.json().get("result", {}).get("uid"):
        fetch_assets(session, url, session.get(url + "/web", timeout=300).text)
        session.get(url + "/web/session/logout", timeout=60)
    print("    ready in %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main(*sys.argv[1:4])
