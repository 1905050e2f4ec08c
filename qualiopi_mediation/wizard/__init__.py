from . import mail_compose_message
from . import qualiopi_acknowledge_wizard
