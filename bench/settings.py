"""Settings of the load bench (``bench/load.py``): the portal's own settings, plus the baseline view's
URLconf and public rate limits that let one loopback address stand for a city of citizens.
Never used by the portal itself."""

from typing import Any

from workstyle.settings import *  # noqa: F403
from workstyle.settings import REST_FRAMEWORK

_RATES: dict[str, Any] = dict(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])  # type: ignore[call-overload]

# The portal's URLs and one more: the bare insert that the load bench measures the portal against.
ROOT_URLCONF = "bench.urls"

# Every simulated citizen comes from 127.0.0.1: the per-address limits would stop the run after the
# tenth filing. Raised here, in the bench's settings only.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **_RATES,
        "public": "1000000/minute",
        "public_submit": "1000000/minute",
    },
}
