"""Scenario 99 (issue 17): the letters of the collège come as one pack per
class, in school order (6e before 5e), each class starting a new page under
its heading; the class form prints the letters of its class; the letter
prints the establishment's public sign-in address, alone on its line."""
from dataset import COLLEGE, COLLEGE_PUPILS, STAFF_PASSWORD
from documents import letter_credentials, pdf_pages
from test_1_director_notifies_pupils import choose_establishment_by_uai

SCHOOL_ORDER = ["6A", "6B", "5A"]
SIGNIN_URL = "https://ent.college-jean-moulin.example/web/login"


def heading(page):
    """The class heading a page starts with (« Classe 6A » → « 6A »)."""
    words = page.split()
    assert words[:1] == ["Classe"], page[:300]
    return words[1]


def download_letters(director):
    director.wait_dialog_text("Nombre de comptes")
    director.dialog_button("Suivant")
    director.wait_dialog_text("Confirmez votre demande")
    director.dialog_button("Confirmer")
    director.wait_dialog_text("La distribution a été effectuée avec succès")
    path = director.download(
        lambda: director.dialog_button("Télécharger le courrier au format PDF"),
        ".pdf")
    director.close_dialog()
    return pdf_pages(path)


def test_letters_of_the_college_come_by_class_in_school_order(browsers, admin,
                                                              data):
    admin("res.company", "write", [data["college"]],
          {"educonnect_signin_url": SIGNIN_URL})
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    choose_establishment_by_uai(director, COLLEGE["educonnect_uai"],
                                COLLEGE["name"])
    director.open_menu("Élèves")
    director.wait_list()
    director.select_all()
    director.click_text(".o_educonnect_action_bar button",
                        "(Re)notifier les comptes", exact=True)
    director.screenshot("notify the whole college from the action bar")
    pages = download_letters(director)

    pupils = admin("educonnect.student", "search_read",
                   [("company_id", "=", data["college"])],
                   ["login", "class_id", "last_name", "first_name"])
    class_of = {p["login"]: p["class_id"][1] for p in pupils}
    classes = []
    for page in pages:
        login, _password = letter_credentials(page)
        klass = heading(page)
        # Each letter under the heading of its pupil's class.
        assert class_of[login] == klass, (login, klass)
        if not classes or classes[-1] != klass:
            classes.append(klass)
        lines = [line.strip() for line in page.splitlines()]
        assert SIGNIN_URL in lines, page
        assert "localhost" not in page and "127.0.0.1" not in page
    # Each class once (its letters together), in school order: one pack
    # per professeur principal.
    assert len(classes) == len(set(classes)), classes
    assert classes == SCHOOL_ORDER, classes
    # Within a class, by name.
    by_login = {p["login"]: (p["last_name"], p["first_name"]) for p in pupils}
    names = [(heading(p), by_login[letter_credentials(p)[0]]) for p in pages]
    assert names == sorted(names, key=lambda n: (SCHOOL_ORDER.index(n[0]), n[1]))


def test_class_form_prints_the_letters_of_its_class(browsers, admin, data):
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    choose_establishment_by_uai(director, COLLEGE["educonnect_uai"],
                                COLLEGE["name"])
    director.open_menu("Classes")
    director.wait_list()
    names = [r[0] for r in director.rows()]
    assert names == SCHOOL_ORDER, names
    director.click_text(".o_list_view tbody tr.o_data_row td", "5A", exact=True)
    director.find(".o_form_view")
    director.click_text(".o_form_view .o_form_statusbar button",
                        "Courriers de la classe", exact=True)
    director.wait_dialog_text("Tous les comptes de la recherche")
    in_class = [p for p in COLLEGE_PUPILS if p[0] == "5A"]
    assert "Nombre de comptes %d" % len(in_class) in director.dialog_text()
    director.screenshot("letters of the class 5A")
    pages = download_letters(director)
    assert len(pages) == len(in_class)
    assert {heading(p) for p in pages} == {"5A"}
