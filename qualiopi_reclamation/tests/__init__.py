from . import test_acknowledgement
from . import test_response
from . import test_deadlines
from . import test_cron
from . import test_security
from . import test_bad_input
from . import test_analysis
from . import test_indicator31_report
