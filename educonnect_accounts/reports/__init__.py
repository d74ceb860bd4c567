from . import report_letter
from . import report_account_list
from . import report_class_sheet
