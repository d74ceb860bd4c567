from . import activation
