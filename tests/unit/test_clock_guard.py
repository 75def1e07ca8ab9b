"""The clock guard of `make test`: the second run really moves the clock every test sees."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import time_machine

from tests.conftest import CLOCK_SHIFT_DAYS


def test_the_suite_sees_the_clock_moved_by_the_configured_shift() -> None:
    travelling = time_machine.escape_hatch.is_travelling()
    assert travelling == bool(CLOCK_SHIFT_DAYS)
    real = time_machine.escape_hatch.time.time() if travelling else time.time()
    shift_s = CLOCK_SHIFT_DAYS * 86_400
    # time.time() and datetime.now() both follow the shift; a minute of slack covers the test's own run time.
    assert abs(time.time() - real - shift_s) < 60
    assert abs(datetime.now(UTC).timestamp() - real - shift_s) < 60
