"""A generated SIECLE export of any size, as SIECLE writes it.

Used by the tests (a few hundred pupils) and by bench/bench_siecle_import.py
(5,000 pupils, 9,000 guardians). Deterministic for a given seed.
"""
import datetime
import io
import random
import zipfile
from xml.sax.saxutils import escape

LAST = ["MARTIN", "BERNARD", "DUBOIS", "N'GUESSAN", "LEFÈVRE", "MÜLLER",
        "DA SILVA", "NGUYEN", "GARCIA", "ROUX", "FONTAINE", "BENALI",
        "LE GALL", "MOREAU", "DIALLO", "FAURE", "GIRARD", "ANDRÉ", "LAMBERT",
        "ROUSSEAU", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "CHEVALIER",
        "ŒUVRARD", "SAINT-MARTIN", "D'ALMEIDA", "HOARAU", "PAYET"]
FIRST_F = ["Léa", "Zoé", "Inès", "Chloé", "Jade", "Maëlys", "Anaïs", "Aïcha",
           "Louise", "Emma", "Héloïse", "Noémie"]
FIRST_M = ["Hugo", "Noé", "Adam", "Théo", "Louis", "Éden", "Loïc", "Yanis",
           "Gabriel", "Raphaël", "Côme", "Joël"]
ADULT_F = ["Nathalie", "Isabelle", "Sylvie", "Céline", "Émilie", "Fatima",
           "Hélène", "Marie-Hélène"]
ADULT_M = ["Philippe", "Stéphane", "Frédéric", "Jérôme", "Éric", "Karim",
           "Jean-Marc", "François"]
LEVELS = [("6", "10010012110", "6EME"), ("5", "10110001110", "5EME"),
          ("4", "10210001110", "4EME"), ("3", "10310019110", "3EME")]


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
    rng = random.Random(seed)
    families = families or max(1, pupils * 9 // 10)
    eleves, structures, persons, links = [], [], [], []
    per_class = 28
    for i in range(pupils):
        level, mef, _label = LEVELS[(i * len(LEVELS)) // pupils]
        class_code = "%s%s" % (level, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[
            (i // per_class) % 26])
        female = rng.random() < 0.5
        family = i if i < families else rng.randrange(families)
        last = LAST[family % len(LAST)]
        first = rng.choice(FIRST_F if female else FIRST_M)
        birth = datetime.date(2009 + int(level), 1, 1) \
            + datetime.timedelta(days=rng.randrange(365))
        eid = str(100000 + i)
        eleves.append(
            '<ELEVE ELEVE_ID="%s" ELENOET="%d">%s%s%s%s%s%s%s%s</ELEVE>' % (
                eid, 200000 + i, _tag("ID_NATIONAL", "%09d%s" % (
                    300000000 + i, "ABCDEFGHJK"[i % 10])),
                _tag("NOM_DE_FAMILLE", last), _tag("NOM_USAGE", ""),
                _tag("PRENOM", first),
                _tag("DATE_NAISS", birth.strftime("%d/%m/%Y")),
                _tag("CODE_SEXE", "2" if female else "1"),
                _tag("CODE_MEF", mef), _tag("DATE_ENTREE", "01/09/2026")))
        structures.append(
            '<STRUCTURES_ELEVE ELEVE_ID="%s"><STRUCTURE>%s%s</STRUCTURE>'
            '</STRUCTURES_ELEVE>' % (eid, _tag("CODE_STRUCTURE", class_code),
                                     _tag("TYPE_STRUCTURE", "D")))
        for n in (1, 2):
            links.append(_link(eid, "F%06d%d" % (family, n), str(n),
                               "10" if n == 1 else "20"))
        if rng.random() < contacts:
            pid = "C%06d" % i
            persons.append(_person(rng, pid, "M.", ADULT_M, last))
            links.append(_link(eid, pid, "0", "38"))
    for family in range(families):
        last = LAST[family % len(LAST)]
        persons.append(_person(rng, "F%06d1" % family, "MME", ADULT_F, last))
        persons.append(_person(rng, "F%06d2" % family, "M.", ADULT_M, last))
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


def _person(rng, pid, civility, firsts, last):
    first = rng.choice(firsts)
    mobile = "06%08d" % rng.randrange(10 ** 8) if rng.random() < 0.85 else ""
    mail = ("%s.%s@example.fr" % (pid.lower(), rng.randrange(1000))
            if rng.random() < 0.8 else "")
    return '<PERSONNE PERSONNE_ID="%s">%s%s%s%s%s%s%s</PERSONNE>' % (
        pid, _tag("LC_CIVILITE", civility), _tag("NOM_DE_FAMILLE", last),
        _tag("PRENOM", first), _tag("TEL_PERSONNEL", ""),
        _tag("TEL_PORTABLE", mobile), _tag("MEL", mail),
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
