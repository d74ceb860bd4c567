"""Reading SIECLE (base élèves établissement, « BEE ») XML exports.

Three kinds of files, recognised by their root element whatever their name:
pupils (``BEE_ELEVES``: ElevesSansAdresses.xml / ElevesAvecAdresses.xml),
nomenclatures (``BEE_NOMENCLATURES``: the MEFs) and guardians
(``BEE_RESPONSABLES``: ResponsablesAvecAdresses.xml), plain or zipped together.

The files come from outside: siecle_files.py parses them safely and within
limits. :func:`read_files` turns them, one at a time, into an *export*: plain
rows (dicts of str, int and dates) that the import plans from, and that
:func:`dumps` keeps between the preview and its confirmation instead of the
uploaded files. A file that cannot be read raises :class:`SiecleFileError`;
a row that cannot be imported is kept with the reason it is rejected, and
the caller imports the others.

Messages are English source strings marked with ``_`` for the translation
export and translated by the caller (this module has no environment).
"""
import datetime
import json
import re
import unicodedata

from .siecle_files import (  # noqa: F401 (SiecleFileError: for the callers)
    DEFAULT_LIMITS, SiecleFileError, _, expand, gc_paused, parse_xml)
from .uai import normalize_uai

ROOTS = {"BEE_ELEVES": "pupils", "BEE_RESPONSABLES": "guardians",
         "BEE_NOMENCLATURES": "nomenclature"}

# CODE_PARENTE of SIECLE -> relationship of educonnect.guardian.link.
RELATIONSHIPS = {"10": "mother", "20": "father", "37": "other_family",
                 "38": "other_family", "39": "other_family",
                 "41": "institution", "42": "institution", "50": "guardian",
                 "51": "institution"}
CIVILITIES = {"M": "M.", "M.": "M.", "MR": "M.", "MME": "MME", "MLLE": "MME"}


def read_files(files, uai, limits=DEFAULT_LIMITS):
    """The export of [(filename, bytes)], zips expanded: ``{"files": [names],
    "params", "pupils": rows, "mefs"?, "persons"?, "links"?}``.

    Each kind at most once, from the establishment ``uai``; a file whose
    root is not a SIECLE export is refused. Each tree is read into rows and
    dropped before the next file is parsed.
    """
    names, export = {}, {}
    with gc_paused():
        for filename, data in expand(files, limits):
            _read_file(filename, data, uai, limits, names, export)
    if "pupils" not in names:
        raise SiecleFileError(_(
            "The pupils export (ElevesSansAdresses.xml or "
            "ElevesAvecAdresses.xml, root BEE_ELEVES) is required."))
    export["files"] = sorted(names.values())
    return export


def _read_file(filename, data, uai, limits, names, export):
    """Read one file into ``export``, its name into ``names`` by kind."""
    root = parse_xml(data, filename, limits)
    kind = ROOTS.get(root.tag)
    if not kind:
        raise SiecleFileError(_(
            "The file %(file)s is not a SIECLE export (root element "
            "<%(root)s>; expected BEE_ELEVES, BEE_RESPONSABLES or "
            "BEE_NOMENCLATURES)."), file=filename, root=str(root.tag)[:40])
    if kind in names:
        raise SiecleFileError(_(
            "The files %(first)s and %(second)s are the same kind of "
            "export: give each kind once."),
            first=names[kind], second=filename)
    check_uaj(kind, filename, root, uai)
    names[kind] = filename
    if kind == "pupils":
        export.update(params=parameters(root), pupils=read_pupils(root))
    elif kind == "guardians":
        export["persons"], export["links"] = read_guardians(root)
    else:
        export["mefs"] = read_mefs(root)


def check_uaj(kind, filename, root, uai):
    """Every file must come from the establishment being imported into."""
    uaj = normalize_uai(root.findtext("PARAMETRES/UAJ"))
    if kind != "nomenclature" and not uaj:
        raise SiecleFileError(_(
            "The file %(file)s has no UAJ (PARAMETRES/UAJ): it is not a "
            "complete SIECLE export."), file=filename)
    if uaj and uaj != normalize_uai(uai):
        raise SiecleFileError(_(
            "The file %(file)s is the export of the establishment "
            "%(uaj)s, not of the current establishment (%(uai)s): "
            "nothing was imported."),
            file=filename, uaj=uaj[:10], uai=uai or "?")


def dumps(export):
    """The export as JSON text (dates tagged), to confirm it later."""
    def tag(value):
        if isinstance(value, datetime.date):
            return {"__date__": value.isoformat()}
        raise TypeError(value)
    return json.dumps(export, default=tag, separators=(",", ":"))


def loads(text):
    """The export :func:`dumps` wrote; rejections come back as lists."""
    def untag(obj):
        if len(obj) == 1 and "__date__" in obj:
            return datetime.date(*map(int, obj["__date__"].split("-")))
        return obj
    return json.loads(text, object_hook=untag)


def parameters(root):
    return {"year": (root.findtext("PARAMETRES/ANNEE_SCOLAIRE") or "").strip(),
            "export_date": parse_date(root.findtext("PARAMETRES/DATE_EXPORT"))}


def _text(node, tag):
    """The text of ``tag``, spaces collapsed, in NFC: some exports write
    « Lê » decomposed (e + combining marks), which a search typed on a
    keyboard (composed) would never find."""
    value = node.findtext(tag)
    return unicodedata.normalize("NFC", " ".join(value.split())) \
        if value else ""


_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value):
    """dd/mm/yyyy -> date; None when empty; ValueError when invalid."""
    value = (value or "").strip()
    if not value:
        return None
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError(value)
    day, month, year = (int(x) for x in match.groups())
    return datetime.date(year, month, day)


def read_mefs(root):
    """The MEF rows of the nomenclature in file order: dicts with ``line``,
    ``code``, ``name``, ``long_name``, ``formation``, or ``reject``
    (message, params) when the row cannot be imported."""
    rows = []
    for node in root.iterfind(".//MEFS/MEF"):
        code = unicodedata.normalize("NFC",
                                     (node.get("CODE_MEF") or "").strip())
        long_name = _text(node, "LIBELLE_LONG")
        name = _text(node, "LIBELLE_EDITION") or long_name \
            or _text(node, "FORMATION") or code
        row = {"line": node.sourceline, "code": code, "siecle_id": code,
               "name": name, "long_name": long_name or False,
               "formation": _text(node, "FORMATION") or False}
        rows.append(row)
        if not code:
            row["reject"] = (_("No CODE_MEF."), {})
        elif len(code) > 11:
            row["reject"] = (_("CODE_MEF « %(value)s » is longer than 11 "
                               "characters."), {"value": code[:20]})
    return rows


def read_pupils(root):
    """The ELEVE rows in file order: dicts with ``line`` and the values,
    or ``reject`` (message, params) when the row cannot be imported."""
    classes = {}
    for node in root.iterfind("DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        for structure in node.iterfind("STRUCTURE"):
            if _text(structure, "TYPE_STRUCTURE") == "D":
                classes[(node.get("ELEVE_ID") or "").strip()] = \
                    _text(structure, "CODE_STRUCTURE")
    rows = []
    for node in root.iterfind("DONNEES/ELEVES/ELEVE"):
        siecle_id = (node.get("ELEVE_ID") or "").strip()
        last_name = _text(node, "NOM_USAGE") or _text(node, "NOM") \
            or _text(node, "NOM_DE_FAMILLE")
        row = {
            "line": node.sourceline, "siecle_id": siecle_id,
            "last_name": last_name, "first_name": _text(node, "PRENOM"),
            "birth_name": _text(node, "NOM_DE_FAMILLE") or False,
            "ine": _text(node, "ID_NATIONAL") or False,
            "gender": {"1": "M", "2": "F", "M": "M", "F": "F"}.get(
                _text(node, "CODE_SEXE")) or False,
            "mef_code": _text(node, "CODE_MEF"),
            "class_code": classes.get(siecle_id, ""),
        }
        rows.append(row)
        if not siecle_id:
            row["reject"] = (_("No ELEVE_ID."), {})
            continue
        if not last_name or not row["first_name"]:
            row["reject"] = (_("No last name or first name."), {})
            continue
        try:
            row["birth_date"] = parse_date(node.findtext("DATE_NAISS"))
        except ValueError:
            row["reject"] = (_("Invalid birth date « %(value)s » "
                               "(dd/mm/yyyy expected)."),
                             {"value": _text(node, "DATE_NAISS")[:20]})
            continue
        try:
            row["leave_date"] = parse_date(node.findtext("DATE_SORTIE"))
            row["entry_date"] = parse_date(node.findtext("DATE_ENTREE"))
        except ValueError:
            row["reject"] = (_("Invalid entry or leaving date "
                               "(dd/mm/yyyy expected)."), {})
            continue
    return rows


def read_guardians(root):
    """(persons, links): PERSONNE rows and RESPONSABLES/* rows, each a dict
    with ``line`` and the values, or ``reject`` (message, params)."""
    persons = []
    for node in root.iterfind("DONNEES/PERSONNES/PERSONNE"):
        person_id = (node.get("PERSONNE_ID") or "").strip()
        last_name = _text(node, "NOM_USAGE") or _text(node, "NOM") \
            or _text(node, "NOM_DE_FAMILLE")
        row = {
            "line": node.sourceline, "siecle_id": person_id,
            "last_name": last_name, "first_name": _text(node, "PRENOM"),
            "civility": CIVILITIES.get(
                _text(node, "LC_CIVILITE").upper()) or False,
            "mobile": _text(node, "TEL_PORTABLE") or False,
            "phone": _text(node, "TEL_PERSONNEL") or False,
            "email": _text(node, "MEL") or False,
            "accept_sms": _text(node, "ACCEPTE_SMS") in ("1", "O", "OUI"),
        }
        persons.append(row)
        if not person_id:
            row["reject"] = (_("No PERSONNE_ID."), {})
        elif not last_name:
            row["reject"] = (_("No last name."), {})
    links = []
    for node in root.iterfind("DONNEES/RESPONSABLES/*"):
        level = _text(node, "RESP_LEGAL")
        if not level:
            level = _text(node, "NIVEAU_RESPONSABILITE")
        row = {"line": node.sourceline,
               "student_siecle_id": _text(node, "ELEVE_ID"),
               "guardian_siecle_id": _text(node, "PERSONNE_ID"),
               "level": level,
               "relationship": RELATIONSHIPS.get(
                   _text(node, "CODE_PARENTE"), "other")}
        links.append(row)
        if not row["student_siecle_id"] or not row["guardian_siecle_id"]:
            row["reject"] = (_("No ELEVE_ID or PERSONNE_ID."), {})
    return persons, links
