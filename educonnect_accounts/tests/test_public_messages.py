"""Issue 18: what the public pages' script says (the browser's validation
messages, the wait before a new code) is written in the page by the
template ``public_messages``, in English in the source and French in
i18n/fr.po, so that Odoo translates it with the page; the script holds
no sentence of its own."""
import os
import re

from babel.messages.pofile import read_po
from lxml import etree

from odoo.tests.common import TransactionCase

ADDON = os.path.dirname(os.path.dirname(__file__))
SCRIPT = os.path.join(ADDON, "static", "src", "js", "public_forms.js")


def fr_po():
    with open(os.path.join(ADDON, "i18n", "fr.po"), "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


class TestPublicMessages(TransactionCase):

    def messages(self, lang):
        """{key: text} of the messages as the page in ``lang`` holds them."""
        html = self.env["ir.qweb"].with_context(lang=lang).render(
            "educonnect_accounts.public_messages", {})
        root = etree.fromstring(html)
        self.assertEqual(root.get("id"), "educonnect_messages")
        self.assertEqual(root.get("hidden"), "hidden")
        return {p.get("data-key"): " ".join(p.text.split())
                for p in root.iter("p")}

    def test_every_message_is_translated_in_the_french_catalogue(self):
        english = self.messages("en_US")
        self.assertGreaterEqual(len(english), 12)
        catalogue = fr_po()
        missing = [text for text in english.values() if not catalogue.get(text)]
        self.assertFalse(missing, "not translated in i18n/fr.po: %s" % missing)
        for text in english.values():
            # The script fills in the same {names} in both languages.
            self.assertEqual(sorted(re.findall(r"\{\w+\}", text)),
                             sorted(re.findall(r"\{\w+\}", catalogue[text])),
                             text)

    def test_the_page_in_french_holds_the_french_messages(self):
        french = self.messages("fr_FR")
        self.assertEqual(french["required"],
                         "Ce champ est obligatoire : complétez-le.")
        self.assertEqual(french["pattern_code"],
                         "Saisissez les 6 chiffres du code reçu.")
        self.assertEqual(french["wait_tick"],
                         "Vous pourrez demander un nouveau code dans {seconds} s")
        self.assertEqual(french["wait_over"],
                         "Vous pouvez maintenant demander un nouveau code.")
        english = self.messages("en_US")
        self.assertFalse([key for key in english if french[key] == english[key]],
                         "left in English")

    def test_the_script_uses_the_messages_and_says_nothing_itself(self):
        keys = set(self.messages("en_US"))
        with open(SCRIPT, encoding="utf-8") as handle:
            script = handle.read()
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
        literals = set(re.findall(r'"(\w+)"', code))
        called = set(re.findall(r'text\(\s*"(\w+)"\s*[,)]', code))
        self.assertTrue(called <= keys, called - keys)
        # Every message is used (the patterns' by their data-pattern).
        unused = {k for k in keys - literals if not k.startswith("pattern_")}
        self.assertFalse(unused)
        # No sentence of its own: its only strings are keys, selectors and
        # attribute names.
        strings = re.findall(r'"([^"\\]*)"', code)
        self.assertFalse([s for s in strings if " " in s.strip() and
                          s != "use strict"
                          and not s.startswith(("#", "form", ".", "["))
                          and "=" not in s], strings)
        # Every data-pattern of the templates has its message.
        views = self.env["ir.ui.view"].search(
            [("key", "like", "educonnect_accounts.%"), ("type", "=", "qweb")])
        patterns = set(re.findall(r'data-pattern="(\w+)"',
                                  "".join(views.mapped("arch_db"))))
        self.assertEqual(patterns, {"code", "date"})
        self.assertTrue({"pattern_" + p for p in patterns} <= keys)
