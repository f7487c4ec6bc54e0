"""A local stand-in for the literature services, for the `caseminer` subprocesses of
tests/test_readme_commands.py (this folder is put first on their PYTHONPATH).

With CASEMINER_TEST_STAND_IN="COUNT:SEED:START" set, the live HTTP transport answers every request
from `caseminer.demo.SyntheticService` (the real endpoints' URLs and formats, COUNT generated reports)
instead of the network, so README commands run exactly as typed. Without it nothing changes.
"""

import os

_SPEC = os.environ.get("CASEMINER_TEST_STAND_IN")
if _SPEC:
    from caseminer.demo import SyntheticService, generate_reports
    from caseminer.sources import http

    _count, _seed, _start = (int(part) for part in _SPEC.split(":"))
    _SERVICE = SyntheticService(generate_reports(_count, seed=_seed, start=_start))
    http.RequestsTransport.is_live = False  # a stand-in needs no rate limit
    http.RequestsTransport.send = lambda self, request: _SERVICE.send(request)  # type: ignore[method-assign]
