"""Where a sign-in or a sign-out may send the browser after it.

Only a path of this site is followed: it starts with one « / », has no
scheme, no host, no backslash and no control character (browsers drop tabs
and line breaks from addresses and read « \\ » as « / », so « /\\evil.example »
and « /<tab>/evil.example » are other sites). An absolute address of this very
host (Odoo builds them when a session expires) is reduced to its path.
Anything else is refused: the caller sends the browser to its default page.
"""
from urllib.parse import urlsplit, urlunsplit


def local_redirect(url, host=None):
    """The local path ``url`` leads to, or None when it leads elsewhere.
    ``host``: the host (and port) of the current request."""
    if not url or not isinstance(url, str):
        return None
    if "\\" in url or any(ord(char) < 0x20 or ord(char) == 0x7f for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        if not host or parts.scheme not in ("http", "https") \
                or parts.netloc.lower() != host.lower():
            return None
        url = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if not url.startswith("/") or url.startswith("//"):
        return None
    return url
