from . import qualiopi_indicator31_report
from . import qualiopi_indicator31_sessions
from . import qualiopi_indicator31_xlsx
from . import qualiopi_indicator31_standard
from . import qualiopi_indicator31_risk
from . import qualiopi_indicator31_xlsx_risk
from . import qualiopi_indicator31_confidential
from . import qualiopi_indicator31_subcontract
