from . import test_duty_to_inform
from . import test_referral
from . import test_security
from . import test_settings
from . import test_translation
from . import test_portal
from . import test_report
from . import test_tour
