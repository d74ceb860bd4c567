"""Names in NFC (11.0.1.1.0).

Some SIECLE exports write names decomposed (NFD: « Lê » as e + combining
marks); the import stored them as read, and a search typed on a keyboard
(composed, NFC) never found them. The import now reads every text in NFC;
this repairs the rows imported before: pupils, guardians, the names copied
on the pupil–guardian rows and on the portal users' partners, classes, MEFs
and the names of the import reports. PostgreSQL's normalize() does it in
place (the database is UTF-8, as Odoo requires); rows already in NFC are
left untouched (no write_date change).
"""
import logging

_logger = logging.getLogger(__name__)

COLUMNS = {
    "educonnect_student": ("last_name", "first_name", "birth_name", "name"),
    "educonnect_guardian": ("last_name", "first_name", "name"),
    "educonnect_guardian_link": ("student_name", "guardian_name"),
    "educonnect_class": ("name", "code"),
    "educonnect_mef": ("name", "long_name", "formation"),
    "educonnect_siecle_import_line": ("name",),
}


def _normalize(cr, table, columns, where=""):
    """NFC in place for the rows of ``table`` where a column is not NFC."""
    cr.execute(
        "UPDATE {table} SET {sets} WHERE ({decomposed}){where}".format(
            table=table,
            sets=", ".join("{0} = normalize({0}, NFC)".format(c)
                           for c in columns),
            decomposed=" OR ".join("{} IS NOT NFC NORMALIZED".format(c)
                                   for c in columns),
            where=" AND " + where if where else ""))
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    for table, columns in COLUMNS.items():
        count = _normalize(cr, table, columns)
        if count:
            _logger.info("%s: %d rows with names put in NFC", table, count)
    # The partners of the pupils' and guardians' portal users carry their
    # names (staff users' partners are not SIECLE data: left alone).
    count = _normalize(cr, "res_partner", ("name",), """id IN (
        SELECT u.partner_id FROM res_users u
          JOIN educonnect_student s ON s.user_id = u.id
        UNION
        SELECT u.partner_id FROM res_users u
          JOIN educonnect_guardian g ON g.user_id = u.id)""")
    if count:
        _logger.info("res_partner: %d portal partners put in NFC", count)
