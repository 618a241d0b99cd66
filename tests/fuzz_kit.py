"""Mutations of valid texts for the fuzz and reader-agreement tests."""

from __future__ import annotations

from hypothesis import strategies as st


def mutate(seed: str, tokens: list[str], *, cut: int = 12, insert: int = 6, edits: tuple[int, int] = (1, 6)
           ) -> st.SearchStrategy[str]:
    """Insertions, deletions and replacements at random places of a valid seed text: each edit
    removes up to ``cut`` characters and puts in a format token or up to ``insert`` random ones;
    ``edits`` bounds how many edits a text gets."""
    edit = st.tuples(st.integers(0, len(seed)), st.integers(0, cut),
                     st.one_of(st.sampled_from(tokens), st.text(max_size=insert)))

    def apply(chosen: list[tuple[int, int, str]]) -> str:
        text = seed
        for position, removed, added in chosen:
            position = min(position, len(text))
            text = text[:position] + added + text[position + removed:]
        return text

    return st.lists(edit, min_size=edits[0], max_size=edits[1]).map(apply)
