from . import test_demo_data
from . import test_people
from . import test_demo_translation
