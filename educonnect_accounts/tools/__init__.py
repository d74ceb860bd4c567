from . import crypto
from . import logins
from . import passwords
from . import uai
from . import siecle
from . import trigram
