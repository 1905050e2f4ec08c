from . import qualiopi_mediator
from . import qualiopi_mediation_referral
from . import res_company
from . import res_config_settings
from . import event_event
from . import helpdesk_ticket
from . import qualiopi_procedure
from . import helpdesk_ticket_retention
