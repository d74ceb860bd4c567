"""Made-up French pupils and their families, the same for the same seed.

The one people generator of the project: the demo data (the
``educonnect.demo`` model of this addon), the data set of the browser tests
(``e2e/dataset.py``), the SIECLE exports of the accounts tests
(``educonnect_accounts/tests/siecle_fixtures.py``) and the benches
(``bench/``). Pure Python, no Odoo import: the browser tests run on
Python 3.11 without Odoo and import this file through ``sys.path``.
"""
import datetime
import random
import string
import unicodedata

LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand",
    "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy",
    "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet",
    "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller",
    "Lefèbvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer",
    "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
    "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel",
    "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont",
    "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard",
    "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt",
    "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre",
    "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe",
    "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland",
    "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot",
    "Hubert", "Berger", "Carpentier", "Sánchez", "Dupuis", "Moulin", "Louis",
    "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer",
    "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty", "Aubry",
    "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard",
    "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider",
    "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost",
    "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton",
    "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier",
    "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon",
    "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez", "Guichard",
    "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier",
    "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard",
    "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier",
    "Carlier", "Laporte", "N'Guessan", "N'Diaye", "Diallo", "Traoré",
    "Nguyen", "Lê", "Trần", "Benali", "Haddad", "Belkacem", "Ould-Ahmed",
    "D'Almeida", "De La Fontaine", "Saint-Martin", "Dos Santos",
    "Le Bihan", "Müller", "Koç", "Øster", "Œuvrard", "Martin-Durand",
    "Lefebvre-Dubois", "Zoé", "Yılmaz", "O'Connor", "Van den Berg",
]
# Pupils' first names, by gender (« M » / « F », as SIECLE's CODE_SEXE).
FIRST_NAMES = {
    "F": [
        "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose",
        "Anna", "Mila", "Inès", "Ambre", "Julia", "Mia", "Léna", "Manon",
        "Juliette", "Lou", "Zoé", "Camille", "Agathe", "Jeanne", "Éléna",
        "Lucie", "Sarah", "Romane", "Nina", "Eva", "Margaux", "Noémie",
        "Maëlys", "Clémence", "Anaïs", "Héloïse", "Capucine", "Salomé",
        "Yasmine", "Aïcha", "Fatoumata", "Marie-Lou", "Anne-Sophie", "Thị Lan",
        "Océane", "Maëva", "Gaëlle",
    ],
    "M": [
        "Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Lucas", "Adam",
        "Jules", "Hugo", "Maël", "Liam", "Noah", "Paul", "Ethan", "Tiago",
        "Sacha", "Gabin", "Nathan", "Mohamed", "Aaron", "Tom", "Éden", "Théo",
        "Noé", "Victor", "Martin", "Mathis", "Axel", "Timéo", "Enzo", "Marius",
        "Côme", "Bernard", "Wyatt", "Clément", "Baptiste", "Mathéo", "Rayan",
        "Ibrahim", "Jean-Baptiste", "Pierre-Louis", "Joël", "Anh", "Loïc",
        "Noël", "Youssef",
    ],
}
# Guardians' first names, by gender.
ADULT_FIRST_NAMES = {
    "F": ["Nathalie", "Isabelle", "Sylvie", "Catherine", "Valérie",
          "Sandrine", "Christelle", "Céline", "Stéphanie", "Aurélie",
          "Émilie", "Karine", "Sophie", "Virginie", "Hélène", "Fatima",
          "Nadia", "Marie-Hélène", "Anne-Laure", "Séverine", "Laetitia"],
    "M": ["Philippe", "Christophe", "Stéphane", "Frédéric", "Laurent",
          "Olivier", "Sébastien", "Nicolas", "Jérôme", "David", "Éric",
          "Thierry", "Pascal", "Franck", "Cédric", "Karim", "Jean-Marc",
          "François", "Yannick", "Grégory", "Hervé"],
}
CIVILITY = {"F": "MME", "M": "M."}
RELATIONSHIP = {"F": "mother", "M": "father"}
# Age on 1 January of the school year's second calendar year, by the first
# character of the class name (« 6 1 », « 2nde 1 », « 1ère G1 », « Tle G1 »).
LEVEL_AGES = {"6": 11, "5": 12, "4": 13, "3": 14, "2": 15, "1": 16, "T": 17}
SCHOOL_YEAR = 2026

# The two establishments of the demo and of the browser tests.
COLLEGE = {"name": "Collège Jean Moulin", "uai": "0597125Z", "type": "clg",
           "street": "12 rue de la Paix", "zip": "59000", "city": "Lille",
           # The académie's usual form (ce.UAI@ac-….fr), on a reserved domain.
           "email": "ce.0597125z@ac-lille.example"}
LYCEE = {"name": "Lycée polyvalent Marguerite Yourcenar", "uai": "0597126A",
         "type": "lpo", "street": "3 avenue Jean Lebas", "zip": "59100",
         "city": "Roubaix", "email": "ce.0597126a@ac-lille.example"}

# Letters spelled out rather than dropped in e-mail addresses (as the
# identifiants of the accounts addon spell them).
_SPELLED = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i",
})


def mail_part(name):
    """``N'Guessan-Müller`` -> ``nguessanmuller``: lower-case ASCII letters."""
    value = unicodedata.normalize("NFKD", (name or "").translate(_SPELLED))
    value = value.translate(_SPELLED).lower()
    return "".join(c for c in value if c in string.ascii_lowercase)


def email(first_name, last_name, suffix="", domain="example.fr"):
    """``Céline``, ``LEFÈVRE`` -> ``celine.lefevre@example.fr``."""
    return "%s.%s%s@%s" % (mail_part(first_name), mail_part(last_name),
                           suffix, domain)


class People(object):
    """Pupils and guardians drawn from a seeded random generator.

    ``charset``: only names that this encoding can write (SIECLE writes its
    pupils file in ISO-8859-15). ``rng`` is public: the callers that draw
    more (account states, dates) share the same sequence.
    """

    def __init__(self, seed, charset=None):
        self.rng = random.Random(seed)
        self.last_names = _writable(LAST_NAMES, charset)
        self.first_names = {g: _writable(names, charset)
                            for g, names in FIRST_NAMES.items()}
        self.adult_first_names = {g: _writable(names, charset)
                                  for g, names in ADULT_FIRST_NAMES.items()}

    def chance(self, share):
        return self.rng.random() < share

    def gender(self):
        return self.rng.choice("MF")

    def last_name(self):
        return self.rng.choice(self.last_names)

    def first_name(self, gender):
        return self.rng.choice(self.first_names[gender])

    def birth_date(self, age, year=SCHOOL_YEAR):
        """A day of the year in which a pupil of ``age`` was born."""
        return datetime.date(year - age, 1, 1) \
            + datetime.timedelta(days=self.rng.randrange(365))

    def ine(self):
        """A national pupil number's shape: nine digits and a key letter."""
        return "%09d%s" % (self.rng.randrange(10 ** 9),
                           self.rng.choice("ABCDEFGHJK"))

    def mobile(self, share=0.85):
        """A French mobile number for ``share`` of the calls, else None."""
        return "06%08d" % self.rng.randrange(10 ** 8) \
            if self.chance(share) else None

    def guardian(self, gender, last_name, mail_suffix="", mail_share=0.8):
        """A legal guardian: civility, names, e-mail (``mail_share`` of
        them), mobile (85 %), relationship."""
        first = self.rng.choice(self.adult_first_names[gender])
        has_mail = self.chance(mail_share)
        return {"civility": CIVILITY[gender], "last_name": last_name.upper(),
                "first_name": first,
                "email": email(first, last_name, mail_suffix)
                if has_mail else None,
                "mobile": self.mobile(),
                "relationship": RELATIONSHIP[gender]}

    def school(self, pupils, classes, homonyms=(40, 41)):
        """Yield ``(pupil, guardians, new_family)`` for ``pupils`` pupils
        spread in order over ``classes`` (names, level first).

        3.5 % of the pupils are a sibling of the previous one (same
        guardians, ``new_family`` false); a family has two guardians (98.5
        %), the father of the same name (70 %). The pupils ``homonyms`` are
        Léa MARTIN, born the same day (different families).
        """
        guardians = None
        family_name = None
        for i in range(pupils):
            klass = classes[i * len(classes) // pupils]
            gender = self.gender()
            first = self.first_name(gender)
            sibling = guardians is not None and self.chance(0.035)
            if not sibling:
                family_name = self.last_name()
            if i in homonyms:
                family_name, first, gender = "Martin", "Léa", "F"
            age = LEVEL_AGES.get(klass[0], 15)
            pupil = {
                "last_name": family_name.upper(), "first_name": first,
                "gender": gender, "class": klass,
                "birth_date": datetime.date(SCHOOL_YEAR - age, 1, 1)
                if i in homonyms else self.birth_date(age),
                "siecle_id": str(100000 + i), "ine": self.ine(),
            }
            if not sibling:
                guardians = self._family(family_name, i)
            yield pupil, guardians, not sibling

    def _family(self, family_name, index):
        two = self.chance(0.985)
        shared_name = self.chance(0.7)
        family = []
        for n, gender in enumerate("FM"):
            if n == 1 and not two:
                break
            last = family_name if (n == 0 or shared_name) \
                else self.last_name()
            guardian = self.guardian(gender, last, mail_suffix=index)
            guardian["siecle_id"] = "P%06d%d" % (index, n)
            family.append(guardian)
        return family


def _writable(names, charset):
    if not charset:
        return list(names)
    result = []
    for name in names:
        try:
            name.encode(charset)
        except UnicodeEncodeError:
            continue
        result.append(name)
    return result
