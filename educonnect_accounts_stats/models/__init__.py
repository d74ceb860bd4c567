from . import educonnect_stats_line
from . import educonnect_stats_dashboard
from . import res_company
from . import educonnect_home
