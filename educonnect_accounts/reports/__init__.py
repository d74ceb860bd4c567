from . import report_letter
from . import report_account_list
