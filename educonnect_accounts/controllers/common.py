"""What the public pages of the accounts share: French screens that no
frame shows and no cache keeps, the service taking the decisions, the
sign-in that ends a flow, and the code step of self-registration and
recovery (the session holds the verification's id, never the code)."""
import time

import werkzeug.utils

from odoo.http import request

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


def code_step(purpose, masked, verification, error=None):
    """The page asking for the code just sent; the session remembers which
    verification it is about."""
    request.session["educonnect_code"] = {
        "purpose": purpose, "verification": verification.id,
        "masked": masked, "at": time.time()}
    return render("code_page", {"purpose": purpose, "masked": masked,
                                "error": error})


def code_verification(purpose):
    """The verification of the session's code step for ``purpose`` (or
    empty)."""
    pending = request.session.get("educonnect_code")
    if not pending or pending.get("purpose") != purpose \
            or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
        return signin()._verification(None)
    return signin()._verification(pending["verification"])


def code_error_page(purpose, error):
    """The code page again, with ``error``."""
    masked = (request.session.get("educonnect_code") or {}).get("masked", "") \
        if purpose == "self_registration" else ""
    return render("code_page", {"purpose": purpose, "masked": masked,
                                "error": error})
