from . import test_nightly_statistics
from . import test_stats_report_email
from . import test_stats_access
from . import test_stats_installation
from . import test_stats_rights_matrix
from . import test_stats_attack_surface
from . import test_stats_school_order
