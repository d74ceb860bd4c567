"""A generated SIECLE export of any size, as SIECLE writes it.

Used by the tests (a few hundred pupils) and by bench/bench_siecle_import.py
(5,000 pupils, 9,000 guardians). Deterministic for a given seed. The people
come from the one people generator, ``educonnect_accounts_demo/tools/people.py``,
loaded by its file path: it is pure Python, and importing it as
``odoo.addons.educonnect_accounts_demo`` would load that addon's models in a
process (a production-like test database) where the addon is not installed.
"""
import importlib.util
import io
import sys
import zipfile
from xml.sax.saxutils import escape

from odoo.modules.module import get_module_path

LEVELS = [("6", "10010012110", "6EME"), ("5", "10110001110", "5EME"),
          ("4", "10210001110", "4EME"), ("3", "10310019110", "3EME")]


def _load_people():
    name = "educonnect_people"
    if name not in sys.modules:
        path = get_module_path("educonnect_accounts_demo")
        assert path, "educonnect_accounts_demo is not in the addons path"
        spec = importlib.util.spec_from_file_location(
            name, "%s/tools/people.py" % path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


people = _load_people()


def _tag(name, value):
    return "<%s>%s</%s>" % (name, escape(value), name) if value else \
        "<%s/>" % name


def generate_exports(uai, pupils=300, families=None, contacts=0.05,
                     seed=7, date_export="15/09/2026"):
    """{'eleves': bytes, 'responsables': bytes, 'nomenclature': bytes}.

    ``families`` (default: 90 % of ``pupils``) families of two legal
    guardians; the pupils are spread over them, so some are siblings.
    ``contacts``: share of pupils with an extra non-legal contact.
    """
    generator = people.People(seed, charset="iso-8859-15")
    families = families or max(1, pupils * 9 // 10)
    names = [generator.last_name().upper() for _ in range(families)]
    eleves, structures, persons, links = [], [], [], []
    for i in range(pupils):
        level, mef, _label = LEVELS[(i * len(LEVELS)) // pupils]
        gender = generator.gender()
        family = i if i < families else generator.rng.randrange(families)
        eid = str(100000 + i)
        eleves.append(_eleve(generator, i, eid, level, mef, gender,
                             names[family]))
        structures.append(
            '<STRUCTURES_ELEVE ELEVE_ID="%s"><STRUCTURE>%s%s</STRUCTURE>'
            '</STRUCTURES_ELEVE>' % (eid, _tag("CODE_STRUCTURE", "%s%s" % (
                level, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(i // 28) % 26])),
                _tag("TYPE_STRUCTURE", "D")))
        for n in (1, 2):
            links.append(_link(eid, "F%06d%d" % (family, n), str(n),
                               "10" if n == 1 else "20"))
        if generator.chance(contacts):
            pid = "C%06d" % i
            persons.append(_person(generator, pid, "M", names[family]))
            links.append(_link(eid, pid, "0", "38"))
    for family in range(families):
        persons.append(_person(generator, "F%06d1" % family, "F", names[family]))
        persons.append(_person(generator, "F%06d2" % family, "M", names[family]))
    return _documents(uai, date_export, eleves, structures, persons, links)


def _eleve(generator, i, eid, level, mef, gender, last):
    """One pupil of the pupils file (28 a class: 6A, 6B…)."""
    first = generator.first_name(gender)
    birth = generator.birth_date(people.LEVEL_AGES[level])
    return '<ELEVE ELEVE_ID="%s" ELENOET="%d">%s%s%s%s%s%s%s%s</ELEVE>' % (
        eid, 200000 + i, _tag("ID_NATIONAL", "%09d%s" % (
            300000000 + i, "ABCDEFGHJK"[i % 10])),
        _tag("NOM_DE_FAMILLE", last), _tag("NOM_USAGE", ""),
        _tag("PRENOM", first),
        _tag("DATE_NAISS", birth.strftime("%d/%m/%Y")),
        _tag("CODE_SEXE", "2" if gender == "F" else "1"),
        _tag("CODE_MEF", mef), _tag("DATE_ENTREE", "01/09/2026"))


def _documents(uai, date_export, eleves, structures, persons, links):
    """The three files, each in the encoding SIECLE writes it in."""
    params = ("<PARAMETRES>%s%s%s</PARAMETRES>" % (
        _tag("UAJ", uai), _tag("ANNEE_SCOLAIRE", "2026"),
        _tag("DATE_EXPORT", date_export)))
    eleves_xml = (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="3.1">'
        + params + "<DONNEES><ELEVES>\n" + "\n".join(eleves)
        + "\n</ELEVES><STRUCTURES>\n" + "\n".join(structures)
        + "\n</STRUCTURES></DONNEES></BEE_ELEVES>\n")
    responsables_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<BEE_RESPONSABLES VERSION="1.7">'
        + params + "<DONNEES><PERSONNES>\n" + "\n".join(persons)
        + "\n</PERSONNES><RESPONSABLES>\n" + "\n".join(links)
        + "\n</RESPONSABLES></DONNEES></BEE_RESPONSABLES>\n")
    nomenclature_xml = (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n'
        '<BEE_NOMENCLATURES VERSION="2.0">' + params + "<DONNEES><MEFS>"
        + "".join('<MEF CODE_MEF="%s">%s%s%s</MEF>' % (
            mef, _tag("FORMATION", label), _tag("LIBELLE_LONG", label),
            _tag("LIBELLE_EDITION", label)) for _l, mef, label in LEVELS)
        + "</MEFS></DONNEES></BEE_NOMENCLATURES>\n")
    return {"eleves": eleves_xml.encode("iso-8859-15"),
            "responsables": responsables_xml.encode("utf-8"),
            "nomenclature": nomenclature_xml.encode("iso-8859-15")}


def _person(generator, pid, gender, last):
    guardian = generator.guardian(gender, last, mail_suffix=pid.lower())
    mobile = guardian["mobile"] or ""
    return '<PERSONNE PERSONNE_ID="%s">%s%s%s%s%s%s%s</PERSONNE>' % (
        pid, _tag("LC_CIVILITE", guardian["civility"]),
        _tag("NOM_DE_FAMILLE", guardian["last_name"]),
        _tag("PRENOM", guardian["first_name"]), _tag("TEL_PERSONNEL", ""),
        _tag("TEL_PORTABLE", mobile), _tag("MEL", guardian["email"] or ""),
        _tag("ACCEPTE_SMS", "1" if mobile else "0"))


def _link(eid, pid, level, parente):
    return "<RESPONSABLE_ELEVE>%s%s%s%s</RESPONSABLE_ELEVE>" % (
        _tag("ELEVE_ID", eid), _tag("PERSONNE_ID", pid),
        _tag("RESP_LEGAL", level), _tag("CODE_PARENTE", parente))


def zipped(files):
    """One zip of {name: bytes}, as establishments often send them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
