"""Secrets out of the request log.

Odoo's HTTP server (werkzeug) logs each request line, query string included:
« GET /educonnect/activation?token=… ». The filter below replaces the value
of every secret-bearing parameter by « *** » before any handler writes it.
"""
import logging
import re

SECRET_PARAMETERS = ("token", "access_token", "signup_token", "session_id",
                     "password", "code")
# « name=value » after « ? », « & » or « ; » (or their percent-encoded forms,
# as in a ``redirect`` parameter): the value runs to the next separator.
_SECRET = re.compile(
    r"(?i)((?:[?&;]|%3F|%26)(?:" + "|".join(SECRET_PARAMETERS) + r")(?:=|%3D))"
    r"(?:[^&;\s\"#%]|%(?!26|23)[0-9A-Fa-f]{2})*")


def redact(text):
    """``text`` with the values of secret query parameters masked."""
    return _SECRET.sub(r"\1***", text)


class RedactSecretsFilter(logging.Filter):
    """Masks secret query parameters in the records of a logger."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            if any(isinstance(arg, str) for arg in args):
                record.args = tuple(redact(arg) if isinstance(arg, str) else arg
                                    for arg in args)
        return True


def install(logger_name="werkzeug"):
    """Put the filter on the logger once (idempotent)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
        logger.addFilter(RedactSecretsFilter())
