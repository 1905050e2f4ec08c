# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``python3 setup/bench [SECTION ...]``: runs the benchmark package (see its
``__init__``) with the Python that runs this file."""

import sys
from pathlib import Path

# Run as a folder, Python puts setup/bench itself on the path: the package is
# imported from setup/, with the other helpers of setup/ (odoo_env).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.runner import main  # noqa: E402

sys.exit(main())
