from . import educonnect_account_wizard_mixin
from . import educonnect_notify_wizard
from . import educonnect_reset_wizard
from . import educonnect_list_wizard
from . import educonnect_siecle_import_wizard
