from . import activation
from . import portal
