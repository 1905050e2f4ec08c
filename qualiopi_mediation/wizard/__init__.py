from . import mail_compose_message
from . import qualiopi_indicator31_report
