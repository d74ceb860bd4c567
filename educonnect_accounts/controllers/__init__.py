from . import activation
from . import signin
from . import portal
from . import session
from . import export
