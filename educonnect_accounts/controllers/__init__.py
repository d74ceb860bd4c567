from . import activation
from . import signin
