"""Who reaches the statistics, beyond the rights matrix: a guardian's
portal user never does, nor a troubleshooting agent over XML-RPC."""
from odoo.exceptions import AccessError

from odoo.addons.educonnect_accounts.tests import test_rights_xmlrpc
from odoo.addons.educonnect_accounts.tests.common import EduconnectCase


class TestStatsPortalAccess(EduconnectCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lou = cls.make_student("PORTAIL", "Lou", cls.c61)
        parent = cls.make_guardian("PORTAIL", "Sophie", lou)
        parent._educonnect_notify()
        cls.parent_user = parent._educonnect_activate("un mot de passe bien long")

    def test_portal_users_cannot_read_the_statistics(self):
        env = self.env(user=self.parent_user)
        with self.assertRaises(AccessError):
            env["educonnect.stats.dashboard"].create({}).tables_html


class TestStatsRightsOverXmlRpc(test_rights_xmlrpc.RightsOverXmlRpcCase):

    def test_troubleshooting_agent_gets_no_statistics_over_xmlrpc(self):
        self.refused("agent", "educonnect.stats.dashboard", "read",
                     [[self.call("agent", "educonnect.stats.dashboard",
                                 "create", [{}])], ["tables_html"]])
