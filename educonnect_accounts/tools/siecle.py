"""Reading SIECLE (base élèves établissement, « BEE ») XML exports.

Three kinds of files, recognised by their root element whatever their name:
pupils (``BEE_ELEVES``: ElevesSansAdresses.xml / ElevesAvecAdresses.xml),
nomenclatures (``BEE_NOMENCLATURES``: the MEFs) and guardians
(``BEE_RESPONSABLES``: ResponsablesAvecAdresses.xml), plain or zipped together.

The files come from outside: they are parsed without DTD, entity expansion
or network access, and refused before parsing when they declare a DOCTYPE
(XXE, « billion laughs »). A file that cannot be read raises
:class:`SiecleFileError`; a row that cannot be imported is kept with the
reason it is rejected, and the caller imports the others.

Messages are English source strings marked with ``_`` for the translation
export and translated by the caller (this module has no environment).
"""
import datetime
import io
import re
import xml.parsers.expat
import zipfile

from lxml import etree

from .uai import normalize_uai


def _(source):
    """Marks a message for the translation export; translated by the caller."""
    return source


MAX_XML_BYTES = 100 * 2 ** 20
MAX_ZIP_MEMBERS = 20
ROOTS = {"BEE_ELEVES": "pupils", "BEE_RESPONSABLES": "guardians",
         "BEE_NOMENCLATURES": "nomenclature"}

# CODE_PARENTE of SIECLE -> relationship of educonnect.guardian.link.
RELATIONSHIPS = {"10": "mother", "20": "father", "37": "other_family",
                 "38": "other_family", "39": "other_family",
                 "41": "institution", "42": "institution", "50": "guardian",
                 "51": "institution"}
CIVILITIES = {"M": "M.", "M.": "M.", "MR": "M.", "MME": "MME", "MLLE": "MME"}


class SiecleFileError(Exception):
    """A file that cannot be imported at all: ``message % params``."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class _DoctypeFound(Exception):
    pass


class _RootReached(Exception):
    pass


def _refuse_dtd(data, filename):
    """Refuse any DOCTYPE (hence any entity declaration) before parsing.

    expat reads only the prolog, up to the root element, so the check costs
    nothing on a real export and nothing is ever expanded.
    """
    parser = xml.parsers.expat.ParserCreate()

    def doctype(*args):
        raise _DoctypeFound()

    def root(*args):
        raise _RootReached()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        for start in range(0, len(data), 65536):
            parser.Parse(data[start:start + 65536], False)
        parser.Parse(b"", True)
    except _DoctypeFound:
        raise SiecleFileError(_(
            "The file %(file)s is refused: it contains a DOCTYPE or entity "
            "declarations, which SIECLE exports never contain (possible "
            "attack)."), file=filename)
    except (_RootReached, xml.parsers.expat.ExpatError, LookupError,
            ValueError):
        # Other errors are reported by the real (hardened) parser below.
        pass


def _hardened_parser():
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False,
        load_dtd=False, dtd_validation=False, remove_comments=True,
        remove_pis=True, collect_ids=False)


def parse_xml(data, filename):
    """The root element of one XML file, or :class:`SiecleFileError`."""
    if not data or not data.strip():
        raise SiecleFileError(_("The file %(file)s is empty."), file=filename)
    if len(data) > MAX_XML_BYTES:
        raise SiecleFileError(_(
            "The file %(file)s is too large (more than %(size)d MB)."),
            file=filename, size=MAX_XML_BYTES // 2 ** 20)
    _refuse_dtd(data, filename)
    try:
        root = etree.fromstring(data, _hardened_parser())
    except etree.XMLSyntaxError as exc:
        text = str(exc)
        if "ncoding" in text or "UTF-8" in text or "Char 0x" in text \
                or "invalid character" in text.lower():
            raise SiecleFileError(_(
                "The file %(file)s cannot be read: its characters do not "
                "match its declared encoding (line %(line)s). Export it "
                "again from SIECLE without editing it."),
                file=filename, line=exc.lineno or "?")
        raise SiecleFileError(_(
            "The file %(file)s cannot be read: it is not well-formed XML or "
            "it is truncated (line %(line)s). Export it again from SIECLE."),
            file=filename, line=exc.lineno or "?")
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise SiecleFileError(_(
            "The file %(file)s is refused: it contains a DOCTYPE or entity "
            "declarations, which SIECLE exports never contain (possible "
            "attack)."), file=filename)
    return root


def read_files(files):
    """{kind: (filename, root)} from [(filename, bytes)], zips expanded.

    Each kind at most once; a file whose root is not a SIECLE export is
    refused.
    """
    found = {}
    for filename, data in _expand(files):
        root = parse_xml(data, filename)
        kind = ROOTS.get(root.tag)
        if not kind:
            raise SiecleFileError(_(
                "The file %(file)s is not a SIECLE export (root element "
                "<%(root)s>; expected BEE_ELEVES, BEE_RESPONSABLES or "
                "BEE_NOMENCLATURES)."), file=filename, root=str(root.tag)[:40])
        if kind in found:
            raise SiecleFileError(_(
                "The files %(first)s and %(second)s are the same kind of "
                "export: give each kind once."),
                first=found[kind][0], second=filename)
        found[kind] = (filename, root)
    if "pupils" not in found:
        raise SiecleFileError(_(
            "The pupils export (ElevesSansAdresses.xml or "
            "ElevesAvecAdresses.xml, root BEE_ELEVES) is required."))
    return found


def _expand(files):
    for filename, data in files:
        if not data:
            continue
        if data[:4] == b"PK\x03\x04":
            yield from _zip_members(filename, data)
        else:
            yield filename, data


def _zip_members(filename, data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist()
                   if not i.is_dir() and i.filename.lower().endswith(".xml")]
        if not members:
            raise SiecleFileError(_("The archive %(file)s contains no XML "
                                    "file."), file=filename)
        if len(members) > MAX_ZIP_MEMBERS or any(
                i.file_size > MAX_XML_BYTES for i in members):
            raise SiecleFileError(_(
                "The archive %(file)s is refused: too many or too large "
                "files."), file=filename)
        for info in members:
            with archive.open(info) as member:
                content = member.read(MAX_XML_BYTES + 1)
            if len(content) > MAX_XML_BYTES:
                raise SiecleFileError(_(
                    "The archive %(file)s is refused: too many or too large "
                    "files."), file=filename)
            yield "%s/%s" % (filename, info.filename), content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError,
            NotImplementedError, RuntimeError, OSError):
        raise SiecleFileError(_("The archive %(file)s cannot be read (damaged "
                                "or encrypted zip)."), file=filename)


def check_uaj(found, uai):
    """Every file must come from the establishment being imported into."""
    for kind, (filename, root) in sorted(found.items()):
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


def parameters(root):
    return {"year": (root.findtext("PARAMETRES/ANNEE_SCOLAIRE") or "").strip(),
            "export_date": parse_date(root.findtext("PARAMETRES/DATE_EXPORT"))}


def _text(node, tag):
    value = node.findtext(tag)
    return " ".join(value.split()) if value else ""


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
    """{CODE_MEF: {code, name, long_name, formation}} from the nomenclature."""
    mefs = {}
    for node in root.iterfind(".//MEFS/MEF"):
        code = (node.get("CODE_MEF") or "").strip()
        if not code or len(code) > 11:
            continue
        long_name = _text(node, "LIBELLE_LONG")
        mefs[code] = {
            "code": code,
            "name": _text(node, "LIBELLE_EDITION") or long_name
            or _text(node, "FORMATION") or code,
            "long_name": long_name or False,
            "formation": _text(node, "FORMATION") or False,
        }
    return mefs


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
