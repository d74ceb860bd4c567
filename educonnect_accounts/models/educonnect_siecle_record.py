"""Pupils, guardians and their links come from SIECLE and leave by its archive.

Odoo offers every model the same generic actions (Créer, Dupliquer,
Supprimer, Importer, Exporter), over the web client and over RPC. None of
them belongs to the guide: a pupil made or duplicated by hand has no SIECLE
key and takes an identifiant (``a.bailly2``) that the real pupil will never
hold; a deleted one loses its account history; Odoo's export hands out the
date of birth, INE and birth name that the lists of the guide never print.
The access rights already refuse creating and deleting to every EduConnect
role; this model refuses the five actions with a message staff understand,
including for the paths the access rights let through (``copy`` of a
readable record by someone allowed to create elsewhere, ``load`` updating
existing rows, ``export_data``).

Only the superuser passes: the SIECLE import writes in SQL, the tests,
the demo generator and the administrator's scripts act as superuser.
"""
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError


class EduconnectSiecleRecord(models.AbstractModel):
    _name = "educonnect.siecle.record"
    _description = "Record kept by the SIECLE import"

    def _educonnect_siecle_only(self):
        return AccessError(_(
            "Pupils and guardians come from SIECLE: they are not created, "
            "duplicated, imported or deleted here. Pupils who leave the "
            "establishment are archived by the next SIECLE import."))

    def _educonnect_refuse_generic(self):
        if self.env.uid != SUPERUSER_ID:
            raise self._educonnect_siecle_only()

    @api.model
    def create(self, vals):
        self._educonnect_refuse_generic()
        return super().create(vals)

    @api.multi
    def copy(self, default=None):
        # Nobody, not even the superuser: a copy has the same INE and SIECLE
        # person under a second identifiant.
        raise self._educonnect_siecle_only()

    @api.multi
    def unlink(self):
        self._educonnect_refuse_generic()
        return super().unlink()

    @api.model
    def load(self, fields, data):
        self._educonnect_refuse_generic()
        return super().load(fields, data)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        if self.env.uid != SUPERUSER_ID:
            raise AccessError(_(
                "Pupils and guardians are not exported this way: « Action › "
                "List accounts » gives the list of the guide, with the "
                "columns your role may see."))
        return super().export_data(fields_to_export, raw_data=raw_data)
