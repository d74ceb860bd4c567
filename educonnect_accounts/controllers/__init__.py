from . import activation
from . import signin
from . import portal
