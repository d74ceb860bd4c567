"""« Prénom Nom » finds the person as well as « NOM Prénom » does.

Names are stored « NOM Prénom » (the guide's lists sort on them), and the
search box's « Nom ou prénom » looked for the whole text in it: « Léa
DUPONT » found nobody. A name searched with several words now also matches
the rows whose name holds each word, in any order (the trigram indexes on
the names serve every word).
"""
from odoo import api, models

#: At most this many words are matched one by one (a pasted sentence must not
#: become a query of a hundred conditions).
MAX_WORDS = 5


def any_order(domain, names):
    """``domain`` where each ``(name, 'ilike', 'w1 w2')`` on one of ``names``
    also matches every word: ``| leaf & (name ilike w1) (name ilike w2)``."""
    result = []
    for leaf in domain or []:
        words = leaf[2].split() if isinstance(leaf, (list, tuple)) \
            and len(leaf) == 3 and leaf[0] in names and leaf[1] == "ilike" \
            and isinstance(leaf[2], str) else []
        if 1 < len(words) <= MAX_WORDS:
            result += ["|", tuple(leaf)] + ["&"] * (len(words) - 1) + [
                (leaf[0], "ilike", word) for word in words]
        else:
            result.append(leaf)
    return result


class EduconnectAccountNameSearch(models.AbstractModel):
    _inherit = "educonnect.account.mixin"

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        return super()._search(any_order(args, ("name",)), offset=offset,
                               limit=limit, order=order, count=count,
                               access_rights_uid=access_rights_uid)


class EduconnectGuardianLinkNameSearch(models.Model):
    _inherit = "educonnect.guardian.link"

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        return super()._search(
            any_order(args, ("student_name", "guardian_name")), offset=offset,
            limit=limit, order=order, count=count,
            access_rights_uid=access_rights_uid)
