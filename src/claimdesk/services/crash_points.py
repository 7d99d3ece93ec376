"""A test hook for crash safety: the process kills itself at a named step, as ``kill -9`` would.

Set ``CLAIMDESK_CRASH_AT`` to a step's name and the program dies there with SIGKILL: no
``finally``, no rollback, no flushing. The tests run the real ``claimdesk`` program once per step
and check that the next run recovers. Unset (always, in use), a step costs one lookup.

Steps of ``submit``, in order:

- ``outbox:written``    a file's bytes are written aside, before the rename that places it
- ``submit:claimed``    the run's claims are locked, nothing written yet
- ``submit:staged``     every 837 is staged in ``outbox/.pending``, the transaction not committed
- ``submit:committed``  the transaction committed, its 837s not yet moved into the outbox
- ``submit:published``  the 837s are in the outbox, the scrub holds' work items not yet opened

Steps of ``eligibility`` (its 270s are staged and published the same way):

- ``eligibility:staged``     every 270 is staged and its checks recorded, not committed
- ``eligibility:committed``  the transaction committed, its 270s not yet in the outbox
"""

from __future__ import annotations

import os
import signal

CRASH_AT = "CLAIMDESK_CRASH_AT"


def crash_point(step: str) -> None:
    """Die here, at once and without cleanup, when ``CLAIMDESK_CRASH_AT`` names ``step``."""
    if os.environ.get(CRASH_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)
