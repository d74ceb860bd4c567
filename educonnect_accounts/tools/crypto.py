"""Encryption of provisional passwords with a key kept outside the database.

The key is the ``educonnect_secret_key`` option of the Odoo configuration file
(a Fernet key: AES-128-CBC + HMAC-SHA256). A database dump alone never reveals a
provisional password.
"""
from cryptography.fernet import Fernet, InvalidToken

from odoo.exceptions import UserError
from odoo.tools import config
from odoo.tools.translate import _


def _fernet():
    key = config.get("educonnect_secret_key")
    if not key:
        raise UserError(_(
            "The server has no encryption key for provisional passwords: "
            "add educonnect_secret_key to the Odoo configuration file."))
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt_secret(clear):
    if not clear:
        return False
    return _fernet().encrypt(clear.encode("utf-8")).decode("ascii")


def decrypt_secret(token):
    if not token:
        return False
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        # Encrypted with another key (database restored on another server).
        return False
