from . import qualiopi_indicator31_report
from . import qualiopi_indicator31_xlsx
from . import qualiopi_indicator31_subcontract
