"""The languages of the public pages, kept in Odoo's cache between
requests (``ir.http._educonnect_languages``), follow the changes at once:
a language activated or archived, another default language."""
from odoo.tests.common import TransactionCase


class TestPageLanguages(TransactionCase):

    def languages(self):
        languages, default = self.env["ir.http"]._educonnect_languages()
        return [code for _id, code, _name in languages], \
            self.env["res.lang"].browse(default).code

    def test_the_pages_languages_follow_the_languages_and_the_default(self):
        Lang = self.env["res.lang"].with_context(active_test=False)
        codes, default = self.languages()
        self.assertIn("fr_FR", codes)
        self.assertEqual(codes, self.env["res.lang"].search([]).mapped("code"),
                         "Odoo's order: the active languages by name")
        spanish = Lang.search([("code", "=", "es_ES")])
        self.assertNotIn("es_ES", codes)
        spanish.write({"active": True})
        self.assertIn("es_ES", self.languages()[0])
        self.env["ir.default"].set("res.partner", "lang", "es_ES")
        self.assertEqual(self.languages()[1], "es_ES")
        self.env["ir.default"].set("res.partner", "lang", default or "fr_FR")
        spanish.write({"active": False})
        self.assertEqual(self.languages(), (codes, default or "fr_FR"))

    def test_a_users_new_language_and_time_zone_take_effect_at_once(self):
        """The user's context (read field by field, cached per user by
        Odoo) follows a change of language or time zone."""
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Agent langue", "login": "agent.langue", "lang": "fr_FR",
            "tz": "Europe/Paris"})
        self.assertEqual(user.sudo(user).context_get(),
                         {"lang": "fr_FR", "tz": "Europe/Paris"})
        self.env["res.lang"].with_context(active_test=False).search(
            [("code", "=", "es_ES")]).write({"active": True})
        user.write({"lang": "es_ES", "tz": "America/Cayenne"})
        self.assertEqual(user.sudo(user).context_get(),
                         {"lang": "es_ES", "tz": "America/Cayenne"})
