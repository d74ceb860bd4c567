"""UAI (ex-RNE): the national identifier of a French establishment.

Seven characters (three for the département, four for the order number; the
Corsican départements use 620/720) followed by a check letter: the seven-digit
number modulo 23, read in the 23-letter alphabet without I, O and Q.
"""
import re

UAI_KEY_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI_RE = re.compile(r"^[0-9]{7}[A-Z]$")


def uai_check_letter(seven_digits):
    return UAI_KEY_ALPHABET[int(seven_digits) % 23]


def normalize_uai(value):
    return (value or "").strip().upper()


def is_valid_uai(value):
    value = normalize_uai(value)
    if not _UAI_RE.match(value):
        return False
    return uai_check_letter(value[:7]) == value[7]
