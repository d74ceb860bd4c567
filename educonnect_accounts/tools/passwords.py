"""Provisional passwords handed out on letters and lists.

Drawn with :mod:`secrets` over an alphabet without the characters that are
confused when read from paper (0/O, 1/I/L), upper case only so that a pupil
copies exactly what is printed: 31 symbols, 13 characters = 64 bits.
"""
import math
import secrets

PROVISIONAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PROVISIONAL_LENGTH = 13


def provisional_password_entropy_bits():
    return PROVISIONAL_LENGTH * math.log2(len(PROVISIONAL_ALPHABET))


def generate_provisional_password():
    return "".join(secrets.choice(PROVISIONAL_ALPHABET)
                   for _ in range(PROVISIONAL_LENGTH))
