from . import educonnect_stats_line
from . import educonnect_stats_dashboard
