from . import test_identifiant_generation
from . import test_uai_validation
from . import test_account_labels
from . import test_search_filters
from . import test_establishment_defaults
from . import test_provisional_password_storage
