from . import educonnect_account_summary
