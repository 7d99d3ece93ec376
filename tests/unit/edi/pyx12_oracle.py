"""pyx12 as an independent validator: run it on X12 text and collect what it reports.

pyx12 reports problems through its ``pyx12`` logger (one ERROR record per finding, with the line
and segment) and through its return value; its ``x12valid`` command always exits 1, so the Python
API is used instead. A file is clean when pyx12 returns True and logged no error.
"""

from __future__ import annotations

import io
import logging
import threading

import pyx12.params
import pyx12.x12n_document

_LOCK = threading.Lock()  # the pyx12 logger is process-wide


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pyx12_errors(x12: str) -> list[str]:
    """Every error pyx12 finds in ``x12`` (an empty list when it accepts the file)."""
    logger = logging.getLogger("pyx12")
    collector = _Collector()
    with _LOCK:
        previous_level, previous_propagate = logger.level, logger.propagate
        logger.addHandler(collector)
        logger.setLevel(logging.ERROR)
        logger.propagate = False
        try:
            accepted = pyx12.x12n_document.x12n_document(
                pyx12.params.ParamsBase(), io.StringIO(x12), None, None
            )
        finally:
            logger.removeHandler(collector)
            logger.setLevel(previous_level)
            logger.propagate = previous_propagate
    errors = list(collector.messages)
    if not accepted and not errors:
        errors.append("pyx12 rejected the document without a message")
    return errors
