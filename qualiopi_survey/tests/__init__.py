from . import test_access
from . import test_alerts
from . import test_complaint_survey
from . import test_configuration
from . import test_funder
from . import test_invitation
from . import test_invite_once
from . import test_report
from . import test_respondent_flow
from . import test_scoring
from . import test_demo
from . import test_public_results

