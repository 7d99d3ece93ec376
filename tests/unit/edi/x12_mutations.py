"""Hypothesis strategy that breaks valid X12 text the way damaged files are broken."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

DELIMITERS = "*:^~\r\n"


def mutations(valid: Sequence[str]) -> st.SearchStrategy[str]:
    """One of ``valid`` (written with ``~`` terminators), truncated, with segments deleted,
    duplicated or inserted, or with characters replaced by delimiters or anything else."""

    @st.composite
    def mutated(draw: st.DrawFn) -> str:
        segments = draw(st.sampled_from(list(valid))).split("~")
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["truncate", "delete", "duplicate", "replace", "insert"]))
            if kind == "truncate":
                joined = "~".join(segments)
                segments = joined[: draw(st.integers(0, len(joined)))].split("~")
            elif kind in ("delete", "duplicate") and segments:
                i = draw(st.integers(0, len(segments) - 1))
                if kind == "delete":
                    del segments[i]
                else:
                    segments.insert(i, segments[i])
            elif kind == "replace":
                joined = "~".join(segments)
                if joined:
                    i = draw(st.integers(0, len(joined) - 1))
                    char = draw(st.one_of(st.sampled_from(DELIMITERS), st.characters()))
                    joined = joined[:i] + char + joined[i + 1 :]
                segments = joined.split("~")
            else:
                i = draw(st.integers(0, len(segments)))
                alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*:^.-"
                segments.insert(i, draw(st.text(alphabet=alphabet, max_size=30)))
        return "~".join(segments)

    return mutated()
