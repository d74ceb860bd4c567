"""Distribution of the accounts: the services the wizards, the background
batches and the public pages call — notify and hand out (letters, e-mails),
reset, list — with their letters PDF, activation e-mails and traces.

Part of ``educonnect.account.mixin`` (see that file for the cut; the checks
and the state changes are in ``educonnect_account_actions.py``).
"""
from psycopg2 import sql

from odoo import _, api, fields, models

from ..reports.pdf import letters_per_document
from .mail_mail import SECRET_PLACEHOLDER

NOTIFICATION_TYPES = [("letter", "Printable letter"), ("email", "By e-mail")]


class EduconnectAccountDistribution(models.AbstractModel):
    _inherit = "educonnect.account.mixin"

    LETTERS_PER_DOCUMENT = 200

    # -- services (one per rule of the guide) ---------------------------------

    @api.multi
    def _educonnect_distribute(self, notification_type="letter", reset=False,
                               company=None):
        """Notify the accounts and hand the credentials out (4.2, 4.3):
        guardians with an address by e-mail when ``notification_type`` is
        « email », every other account by a printed letter; traced.

        Returns the accounts notified by letter, those e-mailed, and the
        letters PDF (None without letters)."""
        accounts = self._educonnect_in_company(company)
        printed = accounts._educonnect_notify(reset=reset)
        by_letter = accounts
        emailed = accounts.browse()
        if self._educonnect_population == "guardian" \
                and notification_type == "email":
            emailed = accounts.filtered("email")
            by_letter = accounts - emailed
            emailed._educonnect_send_activation_emails()
        pdf = by_letter._educonnect_letters_pdf(printed) if by_letter else None
        types = {"letter": _("Printable letter"), "email": _("By e-mail")}
        accounts._educonnect_trace("notify", _(
            "Type: %s, password reset: %s, letters: %d, e-mails: %d") % (
                types[notification_type], _("yes") if reset else _("no"),
                len(by_letter), len(emailed)))
        return by_letter, emailed, pdf

    @api.multi
    def _educonnect_reset(self, company=None):
        """« Modifier les comptes » (3.4, 4.4, 3.5): reset the passwords,
        traced. Returns {account id: new provisional password}."""
        accounts = self._educonnect_in_company(company)
        printed = accounts._educonnect_reset_passwords()
        accounts._educonnect_trace("reset")
        return printed

    # -- letters ---------------------------------------------------------------

    @api.multi
    def _educonnect_letters_pdf(self, printed):
        """The letters of these accounts, one page each, by class, as one PDF.

        ``printed`` is {account id: password to print} from the action that
        set them. The letters are cut into documents of at most
        ``LETTERS_PER_DOCUMENT``, enough of them to keep every processor
        busy, printed side by side and joined (``reports/pdf.py``).
        """
        report = self.env.ref("educonnect_accounts.action_report_letter_%s"
                              % self._educonnect_population)
        # By class in school order: one pack per professeur principal.
        ids = self._educonnect_letter_order().ids
        size = letters_per_document(len(ids), self.LETTERS_PER_DOCUMENT)
        return report.render_educonnect_documents_pdf([
            (chunk, {"passwords": {str(i): printed.get(i) for i in chunk}})
            for chunk in (ids[i:i + size] for i in range(0, len(ids), size))])

    # -- activation e-mails ------------------------------------------------------

    @api.multi
    def _educonnect_send_activation_emails(self):
        """E-mail each account its identifiant and an activation link (never
        a password). The mails leave within seconds (job runner); the link's
        token is drawn when each mail leaves, so the queue holds none."""
        template = self.env.ref(
            "educonnect_accounts.mail_template_%s_activation"
            % self._educonnect_population)
        # The base URL is a system parameter staff may not read.
        base_url = self.env["ir.config_parameter"].sudo().get_param(
            "web.base.url", "").rstrip("/")
        url = "%s/educonnect/activation?token=%s" % (base_url,
                                                      SECRET_PLACEHOLDER)
        mail_ids = []
        for account in self:
            # The mail queue is the system's (staff may not read or write
            # mails, which hold the holders' addresses).
            mail_ids.append(template.sudo().with_context(
                lang="fr_FR", activation_url=url).send_mail(
                    account.id, email_values={
                        # Not linked to the account's record: staff who may
                        # change the account would otherwise change or
                        # delete the message (Odoo's rule on mail.message).
                        "model": False, "res_id": False,
                        "email_from": account.company_id._educonnect_mail_from(),
                        "educonnect_res_model": self._name,
                        "educonnect_res_id": account.id}))
        self._educonnect_action_write({"email_delivery_state": "pending",
                                       "email_delivery_error": False})
        self.env["mail.mail"].browse(mail_ids)._educonnect_send_soon()
        self._educonnect_trace("email")

    @api.multi
    def _educonnect_mail_status(self, status, reason=None, mail=None):
        """How the last e-mail to these accounts went (told by mail.mail)."""
        values = {
            "sent": {"email_delivery_state": "sent",
                     "email_delivery_date": fields.Datetime.now(),
                     "email_delivery_error": False},
            "retry": {"email_delivery_state": "pending",
                      "email_delivery_error": (reason or "")[:250]},
            "failed": {"email_delivery_state": "failed",
                       "email_delivery_error": (reason or "")[:250]},
        }[status]
        # Written for the mail queue (the system), an account field.
        self.sudo().write(values)

    @api.multi
    def _educonnect_delivery_counts(self):
        """{"pending": n, "sent": n, "failed": n} of these accounts' last
        e-mail (one query, for a batch of thousands)."""
        counts = {"pending": 0, "sent": 0, "failed": 0}
        if self.ids:
            self.env.cr.execute(sql.SQL(
                "SELECT email_delivery_state, count(*) FROM {} "
                "WHERE id = ANY(%s) AND email_delivery_state IS NOT NULL "
                "GROUP BY 1").format(sql.Identifier(self._table)), [self.ids])
            counts.update(dict(self.env.cr.fetchall()))
        return counts

    # -- traces ----------------------------------------------------------------

    @api.multi
    def _educonnect_trace(self, action, details="", company=None):
        """One trace row per action, linked to each account (no secret).
        ``company``: the accounts' establishment when the actor is not staff
        of it (the holder signing in, the throttling)."""
        field = "%s_ids" % self._educonnect_population
        # Traces are written by the system only: nobody may create, change
        # or delete one (their access rights), they record who acted.
        return self.env["educonnect.account.trace"].sudo().create({
            "action": action,
            "population": self._educonnect_population,
            "user_id": self.env.uid,
            "company_id": (company or self._educonnect_company()).id,
            "account_count": len(self),
            "details": details,
            field: [(6, 0, self.ids)],
        })

