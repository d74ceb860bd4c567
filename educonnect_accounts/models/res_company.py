import base64

from werkzeug.urls import url_parse

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import formataddr
from odoo.modules.module import get_resource_path

from ..tools.uai import is_valid_uai, normalize_uai

ESTABLISHMENT_TYPES = [
    ("clg", "Collège"),
    ("lgt", "General and technological lycée"),
    ("lp", "Vocational lycée"),
    ("lpo", "Polyvalent lycée"),
    ("erea", "EREA"),
    ("other", "Other"),
]

ACADEMIES = [
    ("aix-marseille", "Aix-Marseille"), ("amiens", "Amiens"),
    ("besancon", "Besançon"), ("bordeaux", "Bordeaux"),
    ("clermont-ferrand", "Clermont-Ferrand"), ("corse", "Corse"),
    ("creteil", "Créteil"), ("dijon", "Dijon"), ("grenoble", "Grenoble"),
    ("guadeloupe", "Guadeloupe"), ("guyane", "Guyane"),
    ("la-reunion", "La Réunion"), ("lille", "Lille"), ("limoges", "Limoges"),
    ("lyon", "Lyon"), ("martinique", "Martinique"), ("mayotte", "Mayotte"),
    ("montpellier", "Montpellier"), ("nancy-metz", "Nancy-Metz"),
    ("nantes", "Nantes"), ("nice", "Nice"), ("normandie", "Normandie"),
    ("orleans-tours", "Orléans-Tours"), ("paris", "Paris"),
    ("poitiers", "Poitiers"), ("reims", "Reims"), ("rennes", "Rennes"),
    ("strasbourg", "Strasbourg"), ("toulouse", "Toulouse"),
    ("versailles", "Versailles"),
]


def default_logo():
    """A neutral establishment emblem instead of Odoo's « Your logo »."""
    with open(get_resource_path("educonnect_accounts", "static", "img",
                                "establishment_logo.png"), "rb") as handle:
        return base64.b64encode(handle.read())


class ResCompany(models.Model):
    """An establishment (école / EPLE) is an Odoo company."""
    _inherit = "res.company"

    logo = fields.Binary(default=lambda self: default_logo())
    educonnect_mail_sender = fields.Char(
        string="Sender of the e-mails", compute="_compute_educonnect_mail_sender",
        help="« Establishment <its address> », or the platform's no-reply "
             "address when the establishment has none.")

    educonnect_uai = fields.Char(
        string="UAI", size=8, copy=False, index=True,
        help="National identifier of the establishment (ex-RNE): "
             "7 characters and a check letter, e.g. 0750680G.")
    educonnect_type = fields.Selection(
        ESTABLISHMENT_TYPES, string="Establishment type")
    educonnect_academy = fields.Selection(ACADEMIES, string="Académie")
    educonnect_letter_validity_months = fields.Integer(
        string="Letter validity (months)", default=3,
        help="A provisional password printed on a letter expires after "
             "this many months if the account is not activated.")

    educonnect_signin_url = fields.Char(
        string="Address of the sign-in page",
        help="The public address printed on the letters, as is (e.g. "
             "https://ent.college-exemple.fr/web/login). Empty: the "
             "platform's (system parameter educonnect_accounts.signin_url), "
             "else its base address followed by /web/login.")
    educonnect_signin_url_printed = fields.Char(
        string="Address printed on the letters",
        compute="_compute_educonnect_signin_url_printed")

    _sql_constraints = [
        ("educonnect_uai_unique", "UNIQUE(educonnect_uai)",
         "Another establishment already has this UAI."),
    ]

    @api.model
    def _educonnect_normalize_vals(self, vals):
        if vals.get("educonnect_uai"):
            vals["educonnect_uai"] = normalize_uai(vals["educonnect_uai"])
        return vals

    @api.model
    def create(self, vals):
        return super().create(self._educonnect_normalize_vals(vals))

    @api.model
    def _educonnect_director_settings_fields(self):
        """What the director of an establishment may change in it."""
        return {"educonnect_letter_validity_months", "logo", "email"}

    @api.multi
    def write(self, vals):
        if self.env.uid != SUPERUSER_ID \
                and not self.env.user.has_group("base.group_erp_manager"):
            # Directors: the EduConnect settings of the establishment they
            # direct and have chosen, nothing else.
            user = self.env.user
            if set(vals) - self._educonnect_director_settings_fields() \
                    or any(company != user.company_id
                           or not user._educonnect_has_role("director", company)
                           for company in self):
                raise AccessError(_("Only the director can change the "
                                    "settings of the establishment, and only "
                                    "its EduConnect settings."))
            # Checked above. The address and the logo are stored on the
            # establishment's partner, which directors may not write.
            return super(ResCompany, self.sudo()).write(
                self._educonnect_normalize_vals(vals))
        return super().write(self._educonnect_normalize_vals(vals))

    @api.model
    def action_educonnect_settings(self):
        """Paramètres de l'établissement: the form of the current one."""
        return {
            "type": "ir.actions.act_window", "res_model": "res.company",
            "res_id": self.env.user.company_id.id, "view_mode": "form",
            "view_id": self.env.ref(
                "educonnect_accounts.res_company_view_form_settings").id,
            "name": _("Settings of the establishment"), "target": "current",
        }

    @api.model
    def _educonnect_replace_default_logos(self):
        """Establishments still showing Odoo's « Your logo » get the neutral
        emblem (run at each install and update)."""
        odoo_logo = self._get_logo()
        # At install and update: every establishment, archived ones too.
        for company in self.sudo().with_context(active_test=False).search([]):
            if not company.logo or company.logo == odoo_logo:
                company.logo = default_logo()

    def _compute_educonnect_mail_sender(self):
        for company in self:
            company.educonnect_mail_sender = company._educonnect_mail_from()

    @api.multi
    def _educonnect_mail_from(self):
        """The sender of the establishment's e-mails: « Name <address> »,
        its own address, else the instance's no-reply address (setting),
        else noreply@ the host of the platform's address."""
        self.ensure_one()
        # System parameters are the administrator's; any sender reads these.
        params = self.env["ir.config_parameter"].sudo()
        address = self.email or params.get_param("educonnect_accounts.mail_noreply")
        if not address:
            host = url_parse(params.get_param("web.base.url") or "").host
            address = "noreply@%s" % (host if host and "." in host else "localhost")
        return formataddr((self.name, address))

    @api.multi
    def _educonnect_signin_url(self):
        """The address printed on the letters: the establishment's, else the
        instance's, else the platform's base address + /web/login."""
        self.ensure_one()
        if self.educonnect_signin_url:
            return self.educonnect_signin_url.strip()
        # System parameters are the administrator's; any printer reads these.
        params = self.env["ir.config_parameter"].sudo()
        instance = (params.get_param("educonnect_accounts.signin_url") or "").strip()
        if instance:
            return instance
        return (params.get_param("web.base.url") or "").rstrip("/") + "/web/login"

    def _compute_educonnect_signin_url_printed(self):
        for company in self:
            company.educonnect_signin_url_printed = \
                company._educonnect_signin_url()

    @api.constrains("educonnect_signin_url")
    def _check_educonnect_signin_url(self):
        for company in self:
            url = (company.educonnect_signin_url or "").strip()
            if url and (not url.startswith(("https://", "http://"))
                        or url_parse(url).host in (None, "", "localhost",
                                                   "127.0.0.1")):
                raise ValidationError(_(
                    "The address of the sign-in page is the public one the "
                    "pupils and guardians type, e.g. "
                    "https://ent.college-exemple.fr/web/login."))

    @api.constrains("educonnect_letter_validity_months")
    def _check_educonnect_letter_validity(self):
        for company in self:
            if not 1 <= company.educonnect_letter_validity_months <= 24:
                raise ValidationError(_(
                    "A letter is valid for 1 to 24 months (the guide's "
                    "letters: 3 months)."))

    @api.constrains("educonnect_uai")
    def _check_educonnect_uai(self):
        for company in self:
            if company.educonnect_uai and not is_valid_uai(company.educonnect_uai):
                raise ValidationError(_(
                    "The UAI %s is not valid: it has 7 digits followed by its "
                    "check letter (for example 0750680G).")
                    % company.educonnect_uai)

    @api.multi
    def name_get(self):
        if not self.env.context.get("educonnect_show_uai"):
            return super().name_get()
        return [(c.id, "%s (%s)" % (c.name, c.educonnect_uai)
                 if c.educonnect_uai else c.name) for c in self]

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Establishments are found by name or by UAI (Accueil page)."""
        if self.env.context.get("educonnect_show_uai"):
            # Accueil: the establishments the user holds, found even when
            # they are not the current one (Odoo's record rule on companies
            # shows only the current establishment and its children).
            args = expression.AND([args or [], [
                ("id", "in", self.env.user.sudo().company_ids.ids)]])
            self = self.sudo()
        if name and operator in ("ilike", "like", "=", "=ilike"):
            domain = expression.AND([args or [], [
                "|", ("name", operator, name),
                ("educonnect_uai", "=ilike", name.strip() + "%")]])
            companies = self.search(domain, limit=limit)
            return companies.name_get()
        return super().name_search(name, args, operator, limit)
