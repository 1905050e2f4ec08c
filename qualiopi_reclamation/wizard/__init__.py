from . import mail_compose_message
from . import qualiopi_acknowledge_wizard
from . import qualiopi_public_holiday_wizard
from . import qualiopi_indicator31_report
from . import qualiopi_response_wizard
from . import qualiopi_evidence_correction_wizard
from . import qualiopi_indicator31_report_pack
from . import qualiopi_auditor_invite_wizard
