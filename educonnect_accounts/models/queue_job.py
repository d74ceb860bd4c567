"""queue_job's jobs, as the background batches need them."""
from odoo import api, models


class QueueJob(models.Model):
    _inherit = "queue.job"

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "failed":
            # queue_job gave up on a batch's job (an unexpected error, or too
            # many interruptions): the batch fails and its owner is told.
            failed = self.filtered(lambda j: j.model_name == "educonnect.batch")
            if failed:
                self.env["educonnect.batch"]._job_failed(failed)
        return result
