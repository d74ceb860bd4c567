from . import test_nightly_statistics
