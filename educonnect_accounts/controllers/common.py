"""What the public pages of the accounts share: French screens that no
frame shows and no cache keeps, the service taking the decisions, the
sign-in that ends a flow, and the code step of self-registration and
recovery (the session holds the verification's id, never the code)."""
import time

import werkzeug.utils

from odoo import _
from odoo.http import request

from ..models.educonnect_auth_throttle import remote_address
from ..models.educonnect_signin import PENDING_MINUTES


def french():
    """Pupils and guardians get the French screens of the guide."""
    request.context = dict(request.context, lang="fr_FR")


def signin():
    """The service that takes the flows' decisions (``educonnect.signin``),
    in the request's language."""
    return request.env["educonnect.signin"]


def render(template, values=None):
    french()
    response = request.render("educonnect_accounts.%s" % template, values or {})
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_in(login, password):
    """The holder, proven, signs in with the password just chosen (a new
    session id: see ``ir.http``) and lands on the portal."""
    request.session.authenticate(request.session.db, login, password)
    return werkzeug.utils.redirect("/my", 303)


def resend_wait(pending):
    """Seconds before a new code may be asked for the step ``pending``
    (the session's), 0 when it may be now."""
    left = signin()._resend_seconds() - (time.time() - (pending or {}).get("at", 0))
    return max(0, int(left + 0.999))


def code_step(purpose, masked, verification, error=None, message=None):
    """The page asking for the code just sent; the session remembers which
    verification it is about."""
    request.session["educonnect_code"] = {
        "purpose": purpose, "verification": verification.id,
        "masked": masked, "at": time.time()}
    return render("code_page", {"purpose": purpose, "masked": masked,
                                "error": error, "message": message,
                                "resend_wait": signin()._resend_seconds()})


def code_verification(purpose):
    """The verification of the session's code step for ``purpose`` (or
    empty)."""
    pending = request.session.get("educonnect_code")
    if not pending or pending.get("purpose") != purpose \
            or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
        return signin()._verification(None)
    return signin()._verification(pending["verification"])


def code_error_page(purpose, error, error_field=None):
    """The code page again, with ``error`` (tied to the code field, or to
    the password when the password is what was refused)."""
    if error_field is None:
        error_field = "code" if error == signin()._code_error() else "password"
    pending = request.session.get("educonnect_code") or {}
    masked = pending.get("masked", "") if purpose == "self_registration" else ""
    return render("code_page", {"purpose": purpose, "masked": masked,
                                "error": error, "error_field": error_field,
                                "resend_wait": resend_wait(pending)})


def code_resend(purpose):
    """« Renvoyer le code »: after the wait, a new code to the same place
    (the service applies the limits of a first code); before it, the page
    again with the time left."""
    french()
    pending = request.session.get("educonnect_code") or {}
    wait = resend_wait(pending)
    if wait:
        return code_error_page(purpose, _(
            "Please wait %d seconds before asking for a new code.") % wait,
            error_field="")
    verification = signin()._resend_code(
        purpose, code_verification(purpose), remote_address())
    return code_step(purpose, pending.get("masked", ""), verification,
                     message=_("A new code has been sent. Only the last "
                               "code received works."))
