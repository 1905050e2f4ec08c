from . import mail_compose_message
from . import qualiopi_indicator31_report
from . import qualiopi_acknowledge_wizard
