from . import educonnect_demo
