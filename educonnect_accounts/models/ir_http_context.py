"""Context keys that change what the server does are never taken from a
request.

The addon's code passes flags to itself through the context: a delegation
made while keeping groups in step (``educonnect_delegation_sync``), who is
traced as acting (``educonnect_acting_uid``), identifiants given later
(``educonnect_defer_logins``), files kept out of the full-text index… Odoo
lets any client send any context: with JSON-RPC (the request's own context
and ``kwargs["context"]`` of ``call_kw``) and XML-RPC (``execute_kw``'s
``context``), a director could appoint directors or write a trace naming
someone else. So every context that comes from outside loses these keys:

- ``ir.http._dispatch`` cleans the request's context (JSON routes, buttons,
  server actions run from the web client);
- ``odoo.api.split_context``, which Odoo's ``call_kw`` uses to take the
  context out of an RPC call's arguments (JSON-RPC and XML-RPC alike), is
  wrapped to clean it. Internal calls never go through ``call_kw``.

Removed: every key starting with ``educonnect_`` but the display-only ones
below, and Odoo's flags that silence the audit trail.
"""
import odoo
from odoo import models
from odoo.http import request

#: Context keys of the addon's views that only change a display.
DISPLAY_KEYS = frozenset({"educonnect_show_uai"})
#: Odoo's own flags that would hide an action from its history.
ODOO_SILENCING_KEYS = frozenset({"tracking_disable", "mail_notrack",
                                 "mail_create_nolog", "mail_create_nosubscribe"})


def untrusted(key):
    return isinstance(key, str) and (
        (key.startswith("educonnect_") and key not in DISPLAY_KEYS)
        or key in ODOO_SILENCING_KEYS)


def clean_context(context):
    """``context`` without the keys a client may not set."""
    if not isinstance(context, dict) or not any(map(untrusted, context)):
        return context
    return {k: v for k, v in context.items() if not untrusted(k)}


_split_context = odoo.api.split_context


def split_context(method, args, kwargs):
    context, args, kwargs = _split_context(method, args, kwargs)
    return clean_context(context), args, kwargs


odoo.api.split_context = split_context


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _dispatch(cls):
        if request and any(map(untrusted, request.context)):
            request.context = clean_context(dict(request.context))
        return super()._dispatch()
