"""What the web server shows and logs, for visitors who are not staff.

- Errors: an anonymous visitor, a pupil or a guardian gets a plain French
  message, never a traceback (Odoo puts one in every JSON-RPC error, as
  ``data.debug``, and in the HTTP answers of its exports). Staff keep Odoo's
  answers, which they need to report a problem.
- Sessions: a new session id at every successful sign-in; the old one is
  deleted (Odoo 11 renews it only at sign-out), so a session id planted in a
  browser before the sign-in opens nothing.
- Request log: the values of secret query parameters (activation and
  confirmation tokens) are masked.
- Context: the keys that change what the server does are never taken
  from a request. The addon's code passes flags to itself through the
  context: a delegation made while keeping groups in step
  (``educonnect_delegation_sync``), who is traced as acting
  (``educonnect_acting_uid``), identifiants given later
  (``educonnect_defer_logins``), files kept out of the full-text index…
  Odoo lets any client send any context (JSON-RPC: the request's own and
  ``kwargs["context"]`` of ``call_kw``; XML-RPC: ``execute_kw``'s), so a
  director could appoint directors or write a trace naming someone else.
  Every context that comes from outside loses every key starting with
  ``educonnect_`` but the display-only ones, and Odoo's flags that silence
  the audit trail: ``ir.http._dispatch`` cleans the request's context, and
  ``odoo.api.split_context``, which ``call_kw`` uses to take the context out
  of an RPC call's arguments, is wrapped to clean it (internal calls never
  go through ``call_kw``).
- Languages: Odoo's public pages (``http_routing``) search the active
  languages three times and read the default one (``ir.default``) at every
  request, as the visitor; they are kept in Odoo's cache, which Odoo clears
  when a language or a default changes (``bin/bench storm``: a sign-in is
  three requests).
"""
import json
import logging

import werkzeug.exceptions
import werkzeug.wrappers

import odoo
from odoo import _, api, models, tools
from odoo.http import request
from odoo.service import security

from ..tools import log_redaction

_logger = logging.getLogger(__name__)

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


#: Exceptions whose message is written for the user (a rule they broke).
USER_MESSAGES = (odoo.exceptions.UserError, odoo.exceptions.ValidationError,
                 odoo.exceptions.RedirectWarning)


def _french_messages(registry):
    """The French texts of the error answers (a cursor of their own: the
    request's may be aborted)."""
    try:
        with registry.cursor() as cr:
            context = {"lang": "fr_FR"}  # read by _()
            return {
                "title": _("An error occurred on this page"),
                "error": _("The operation could not be completed. Try again "
                           "later, or ask your establishment."),
                "not_found_title": _("Page not found on this site"),
                "not_found": _("This page does not exist."),
                "session": _("Your session has expired: sign in again."),
                "back": _("Back to the home page"),
            }
    except Exception:  # noqa: BLE001 - the answer must go out anyway
        _logger.warning("Error messages not translated", exc_info=True)
        return {"title": "An error occurred",
                "error": "The operation could not be completed.",
                "not_found_title": "Page not found",
                "not_found": "This page does not exist.",
                "session": "Your session has expired: sign in again.",
                "back": "Back to the home page"}


def rotate_session(session):
    """Give ``session`` a new id and delete the file of the old one; Odoo
    saves it under the new id and sends the new cookie with the answer."""
    store = odoo.http.root.session_store
    store.delete(session)
    session.sid = store.generate_key()
    session.modified = True
    if session.uid:
        # Odoo's session token is an HMAC of the session id.
        session.session_token = security.compute_session_token(session, request.env)


def _patch_session_authenticate():
    """Every successful sign-in (/web/login, /web/session/authenticate, the
    EduConnect activation, self-registration and recovery) goes through
    ``OpenERPSession.authenticate``: renew the session id there."""
    session_class = odoo.http.OpenERPSession
    original = session_class.authenticate
    if getattr(original, "_educonnect_patched", False):
        return

    def authenticate(self, db, login=None, password=None, uid=None):
        result = original(self, db, login=login, password=password, uid=uid)
        if result and request and request.session is self:
            rotate_session(self)
        return result

    authenticate._educonnect_patched = True
    session_class.authenticate = authenticate


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model_cr
    def _register_hook(self):
        _patch_session_authenticate()
        log_redaction.install("werkzeug")
        return super(IrHttp, self)._register_hook()

    # -- languages ------------------------------------------------------------
    @api.model
    @tools.ormcache()
    def _educonnect_languages(self):
        """((id, code, name) of the active languages in Odoo's order, id of
        the default language). Cleared by Odoo with its caches when a
        language or a default value changes (``res.lang`` and ``ir.default``
        call ``clear_caches``)."""
        # sudo: the same for every visitor (res.lang is readable by all).
        Lang = self.env["res.lang"].sudo()
        languages = Lang.search([])
        code = self.env["ir.default"].sudo().get("res.partner", "lang")
        default = Lang.search([("code", "=", code)], limit=1) if code \
            else languages[:1]
        return (tuple((lang.id, lang.code, lang.name) for lang in languages),
                default.id)

    @classmethod
    def _get_languages(cls):
        languages, _default = request.env["ir.http"]._educonnect_languages()
        return request.env["res.lang"].browse([lang[0] for lang in languages])

    @classmethod
    def _get_language_codes(cls):
        languages, _default = request.env["ir.http"]._educonnect_languages()
        return [(code, name) for _id, code, name in languages]

    @classmethod
    def _get_default_lang(cls):
        _languages, default = request.env["ir.http"]._educonnect_languages()
        return request.env["res.lang"].browse(default)

    # -- errors -------------------------------------------------------------
    @classmethod
    def _educonnect_staff_request(cls):
        """True when the request comes from a signed-in internal user (a
        valid session of a member of « Utilisateur interne »)."""
        session = request.session
        if not session.uid or not session.db:
            return False
        try:
            with request.registry.cursor() as cr:
                env = api.Environment(cr, session.uid, {})
                return security.check_session(session, env) \
                    and env["res.users"].browse(session.uid).has_group(
                        "base.group_user")
        except Exception:  # noqa: BLE001 - in doubt, not staff
            return False

    @classmethod
    def _educonnect_shows_details(cls):
        return "werkzeug" in odoo.tools.config["dev_mode"] \
            or cls._educonnect_staff_request()

    @classmethod
    def _dispatch(cls):
        # The request's context (JSON routes, buttons, server actions run
        # from the web client) loses the keys a client may not set.
        if request and any(map(untrusted, request.context)):
            request.context = clean_context(dict(request.context))
        response = super(IrHttp, cls)._dispatch()
        failed = getattr(request, "_failed", None)
        if getattr(request, "_request_type", None) == "json":
            # Odoo answered an exception with its JSON-RPC error.
            if failed is not None and not cls._educonnect_shows_details():
                response = cls._educonnect_plain_json_error(response, failed)
        elif getattr(response, "status_code", 200) >= 500 \
                and not cls._educonnect_shows_details():
            # Some routes (Odoo's exports, reports) turn their exception into
            # a 500 answer holding the traceback themselves.
            response = cls._educonnect_error_page(response.status_code)
        return response

    @classmethod
    def _handle_exception(cls, exception):
        if getattr(request, "_request_type", None) == "json" \
                or cls._educonnect_shows_details():
            return super(IrHttp, cls)._handle_exception(exception)
        try:
            response = super(IrHttp, cls)._handle_exception(exception)
        except Exception:  # noqa: BLE001 - logged, answered in French
            # The query string may hold a token: the path only.
            _logger.exception("Error while serving %s", request.httprequest.path)
            return cls._educonnect_error_page(500)
        if isinstance(response, werkzeug.exceptions.HTTPException) \
                and (response.code or 500) >= 400:
            return cls._educonnect_error_page(response.code)
        return response

    @classmethod
    def _educonnect_plain_json_error(cls, response, exception):
        """Odoo's JSON-RPC error without the traceback, and in French
        unless the message was written for the user."""
        if not isinstance(response, werkzeug.wrappers.Response) \
                or response.mimetype != "application/json":
            return response
        try:
            payload = json.loads(response.get_data(as_text=True))
        except ValueError:
            return response
        error = payload.get("error")
        if not isinstance(error, dict) or not isinstance(error.get("data"), dict):
            return response
        data = error["data"]
        messages = _french_messages(request.registry)
        if isinstance(exception, USER_MESSAGES):
            message = data.get("message") or messages["error"]
        elif isinstance(exception, odoo.http.SessionExpiredException):
            message = messages["session"]
        else:
            message = messages["error"]
        name = data.get("name") or ""
        if not name.startswith(("odoo.", "werkzeug.")):
            name = "Exception"
        error["data"] = {"name": name, "debug": "", "message": message,
                         "arguments": [message],
                         "exception_type": data.get("exception_type")}
        response.set_data(json.dumps(payload))
        return response

    @classmethod
    def _educonnect_error_page(cls, code):
        """A plain French page with the status ``code``."""
        messages = _french_messages(request.registry)
        if code == 404:
            title, text = messages["not_found_title"], messages["not_found"]
        else:
            title, text = messages["title"], messages["error"]
        body = (
            '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            "<title>{title}</title></head><body style=\"font-family: sans-serif; "
            'max-width: 40em; margin: 3em auto; padding: 0 1em;">'
            "<h1>{title}</h1><p>{text}</p><p><a href=\"/\">{back}</a></p>"
            "</body></html>").format(
                title=odoo.tools.html_escape(title),
                text=odoo.tools.html_escape(text),
                back=odoo.tools.html_escape(messages["back"]))
        return werkzeug.wrappers.Response(
            body, status=code, content_type="text/html; charset=utf-8",
            headers=[("Cache-Control", "no-store"),
                     ("X-Frame-Options", "DENY")])
