from . import test_nightly_statistics
from . import test_stats_report_email
