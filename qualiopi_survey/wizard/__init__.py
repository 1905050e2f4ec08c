from . import qualiopi_indicator31_report
