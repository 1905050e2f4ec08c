from . import main
from . import qualiopi_procedure
from . import portal
from . import mail
from . import qualiopi_evidence_pack
from . import confidential
