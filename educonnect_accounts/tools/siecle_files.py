"""Reading uploaded SIECLE files safely: they come from outside.

A file is parsed without DTD, entity expansion or network access, and refused
before parsing when it declares a DOCTYPE (XXE, « billion laughs »). Size is
not the only danger: a 5 KB zip expands to 100,000 rows of a few bytes each,
and every row costs a report line, a plan entry and a database row. So each
file is refused, before anything is planned, when it is larger (decompressed)
than ``Limits.megabytes``, holds more XML elements than ``Limits.elements``
(counted while parsing: the parse stops there) or more data rows than
``Limits.rows``. The defaults stand comfortably above the exports of the
largest establishment (about 5,000 pupils and 10,000 guardians: tens of MB,
some 500,000 elements and 40,000 rows in the guardians' export).

A file that cannot be read raises :class:`SiecleFileError`. Messages are
English source strings marked with ``_`` for the translation export and
translated by the caller (this module has no environment).
"""
import collections
import contextlib
import gc
import io
import xml.parsers.expat
import zipfile

from lxml import etree


def _(source):
    """Marks a message for the translation export; translated by the caller."""
    return source


Limits = collections.namedtuple(
    "Limits", "megabytes elements rows report_lines")
# megabytes: each file, decompressed; elements, rows: each file; report
# lines: one import. Settings educonnect_accounts.siecle_max_*.
DEFAULT_LIMITS = Limits(megabytes=100, elements=2000000, rows=150000,
                        report_lines=50000)
MAX_ZIP_MEMBERS = 20
_CHUNK = 65536


class SiecleFileError(Exception):
    """A file that cannot be imported at all: ``message % params``."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@contextlib.contextmanager
def gc_paused():
    """Reading a file allocates an object per element and per row, none in
    a cycle: meanwhile, Python's cycle collector would walk the whole
    server's heap again and again (a parse five times slower in Odoo)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def number(value):
    """2000000 -> « 2 000 000 » (grouped as the French screens show it)."""
    return "{:,}".format(value).replace(",", "\N{NO-BREAK SPACE}")


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
        for start in range(0, len(data), _CHUNK):
            parser.Parse(data[start:start + _CHUNK], False)
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


_PARSER_OPTIONS = dict(
    resolve_entities=False, no_network=True, huge_tree=False,
    load_dtd=False, dtd_validation=False, remove_comments=True,
    remove_pis=True, collect_ids=False)


def _hardened_parser():
    return etree.XMLParser(**_PARSER_OPTIONS)


def _parse_counted(data, filename, max_elements):
    """Parse ``data`` in chunks, counting the elements as they start: a
    file of millions of tiny elements is refused after ``max_elements``,
    without building the rest of its tree."""
    parser = etree.XMLPullParser(events=("start",), **_PARSER_OPTIONS)
    count = 0
    for start in range(0, len(data), _CHUNK):
        parser.feed(data[start:start + _CHUNK])
        for _event in parser.read_events():
            count += 1
        if count > max_elements:
            raise SiecleFileError(_(
                "The file %(file)s is refused: it holds more than %(max)s XML "
                "elements, far more than the SIECLE export of the largest "
                "establishment. Nothing was imported."),
                file=filename, max=number(max_elements))
    return parser.close()


def _syntax_error(exc, filename):
    text = str(exc)
    if "ncoding" in text or "UTF-8" in text or "Char 0x" in text \
            or "invalid character" in text.lower():
        return SiecleFileError(_(
            "The file %(file)s cannot be read: its characters do not "
            "match its declared encoding (line %(line)s). Export it "
            "again from SIECLE without editing it."),
            file=filename, line=exc.lineno or "?")
    return SiecleFileError(_(
        "The file %(file)s cannot be read: it is not well-formed XML or "
        "it is truncated (line %(line)s). Export it again from SIECLE."),
        file=filename, line=exc.lineno or "?")


def parse_xml(data, filename, limits=DEFAULT_LIMITS):
    """The root element of one XML file, or :class:`SiecleFileError`."""
    if not data or data.isspace():
        raise SiecleFileError(_("The file %(file)s is empty."), file=filename)
    if len(data) > limits.megabytes * 2 ** 20:
        raise SiecleFileError(_(
            "The file %(file)s is too large (more than %(size)d MB)."),
            file=filename, size=limits.megabytes)
    _refuse_dtd(data, filename)
    try:
        root = _parse_counted(data, filename, limits.elements)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, filename)
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise SiecleFileError(_(
            "The file %(file)s is refused: it contains a DOCTYPE or entity "
            "declarations, which SIECLE exports never contain (possible "
            "attack)."), file=filename)
    # The rows are the children of the lists under DONNEES (ELEVES/ELEVE,
    # PERSONNES/PERSONNE, RESPONSABLES/RESPONSABLE_ELEVE…).
    rows = sum(len(rows) for rows in root.iterfind("DONNEES/*"))
    if rows > limits.rows:
        raise SiecleFileError(_(
            "The file %(file)s is refused: it holds more than %(max)s rows, "
            "far more than the SIECLE export of the largest establishment. "
            "Nothing was imported."), file=filename, max=number(limits.rows))
    return root


def expand(files, limits=DEFAULT_LIMITS):
    """[(filename, bytes)] with the XML members of zips in their place."""
    for filename, data in files:
        if not data:
            continue
        if data[:4] == b"PK\x03\x04":
            yield from _zip_members(filename, data, limits)
        else:
            yield filename, data


def _zip_members(filename, data, limits):
    too_large = SiecleFileError(_(
        "The archive %(file)s is refused: too many or too large files."),
        file=filename)
    max_bytes = limits.megabytes * 2 ** 20
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist()
                   if not i.is_dir() and i.filename.lower().endswith(".xml")]
        if not members:
            raise SiecleFileError(_("The archive %(file)s contains no XML "
                                    "file."), file=filename)
        # The sizes the archive declares are checked first (a zip bomb is
        # refused without inflating anything), then the real ones.
        if len(members) > MAX_ZIP_MEMBERS or any(
                i.file_size > max_bytes for i in members):
            raise too_large
        for info in members:
            with archive.open(info) as member:
                content = member.read(max_bytes + 1)
            if len(content) > max_bytes:
                raise too_large
            yield "%s/%s" % (filename, info.filename), content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError,
            NotImplementedError, RuntimeError, OSError):
        raise SiecleFileError(_("The archive %(file)s cannot be read (damaged "
                                "or encrypted zip)."), file=filename)
