from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from syncd.connectors.notetext import parse, render
from syncd.core.model import Person


def test_plain_text_has_no_header() -> None:
    assert render("looks good") == "looks good"
    assert parse("looks good") == ("looks good", None, None)


def test_author_and_frame_round_trip() -> None:
    raw = render("Tighten the arc.", author=Person("alice@studio.example", "Alice Smith"), frame=12)
    assert raw == "[by Alice Smith <alice@studio.example>; frame 12] Tighten the arc."
    assert parse(raw) == ("Tighten the arc.", Person("alice@studio.example", "Alice Smith"), 12)


def test_user_text_that_merely_starts_with_a_bracket_is_left_alone() -> None:
    assert parse("[WIP] check the fur") == ("[WIP] check the fur", None, None)


names = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20)


@given(
    text=st.text(max_size=40),
    name=st.none() | names,
    email=st.none() | st.emails(),
    frame=st.none() | st.integers(-5, 100000),
)
def test_round_trip(text: str, name: str | None, email: str | None, frame: int | None) -> None:
    author = Person(email, name) if (name and name.strip()) or email else None
    if author is None and frame is None:
        return  # nothing to carry: the text goes as it is
    got_text, got_author, got_frame = parse(render(text, author=author, frame=frame))
    assert got_frame == frame
    assert got_text == text
    if author is not None:
        assert got_author is not None
        assert got_author.email == email
