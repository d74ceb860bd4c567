from . import login
from . import activation
from . import self_registration
from . import recovery
from . import portal
from . import session
from . import export
