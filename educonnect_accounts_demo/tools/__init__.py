from . import people
