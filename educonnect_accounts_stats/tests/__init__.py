from . import test_account_summary
