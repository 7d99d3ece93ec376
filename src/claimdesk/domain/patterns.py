"""Regular expressions that users supply (a payer's member id format, an authorization format).

They are run by RE2 (google-re2), whose matching time is linear in the text matched: no pattern
can hang a scrub or a ``submit`` that holds the write lock. A pattern is checked when it is
imported: RE2 must accept it (no back-references or look-around, which need backtracking), and
nested unbounded repetition such as ``(a+)+`` is refused, since the same pattern in any
backtracking engine (Python's ``re``, a spreadsheet, a payer's portal) takes exponential time on
a near miss (OWASP, "Regular expression Denial of Service").
"""

from __future__ import annotations

from functools import cache

# The stdlib's own parse of a pattern, to find nested repetition (typeshed knows it as sre_parse).
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

import re2

# As long as the column that keeps a pattern (payers.member_id_pattern, String(200)).
MAX_PATTERN_LENGTH = 200
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is the caller's finding, not a log line
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


class PatternError(ValueError):
    """A pattern that claimdesk will not run; the message says why."""


def check_pattern(text: str) -> str:
    """``text`` when it is a pattern claimdesk runs; raises :class:`PatternError` otherwise."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"longer than {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = sre.parse(text)
    except Exception as exc:  # re.error and the parser's own RecursionError on deep nesting
        raise PatternError(f"not a valid regular expression: {exc}") from None
    if _nested_repeat(list(parsed), inside=False):
        raise PatternError(
            "a repetition inside a repetition, such as (a+)+, can take exponential time to "
            "match: write it with one repetition, such as a+"
        )
    try:
        re2.compile(text, options=_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise PatternError(
            f"not supported (back-references and look-around are not): {reason}"
        ) from None
    return text


@cache
def compiled(text: str) -> Any:
    """The RE2 program of a pattern; ``compiled(p).fullmatch(s)`` and ``.match(s)`` run in time
    linear in ``s``. A pattern stored before it was checked still runs in linear time here."""
    return re2.compile(text, options=_OPTIONS)


def full_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` in full."""
    return compiled(pattern).fullmatch(text) is not None


def _nested_repeat(items: list[tuple[Any, Any]], *, inside: bool) -> bool:
    """Whether a repetition of varying length (``+``, ``*``, ``{1,5}``) sits inside one
    without an upper bound: the text it matches can be split between them in exponentially
    many ways. A fixed count (``\\d{3}``) splits one way only."""
    for op, value in items:
        if op in _REPEATS:
            low, high, body = value
            if inside and low != high:
                return True
            if _nested_repeat(list(body), inside=inside or high == sre.MAXREPEAT):
                return True
        elif op is sre.SUBPATTERN:
            if _nested_repeat(list(value[-1]), inside=inside):
                return True
        elif op is sre.BRANCH:
            if any(_nested_repeat(list(branch), inside=inside) for branch in value[1]):
                return True
        elif op in (sre.ASSERT, sre.ASSERT_NOT) and _nested_repeat(list(value[1]), inside=inside):
            return True
    return False
