"""Tracker notes as paragraphs of one cineSync notes block, and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syncd.connectors.cinesync import (
    Locators,
    Media,
    Paragraph,
    Session,
    join_paragraphs,
    parse_session,
    render_session,
    split_paragraphs,
)
from syncd.connectors.cinesync.paragraphs import (
    normalize_author,
    normalize_paragraph,
    normalize_text,
)

WRITTEN = [
    Paragraph("Tighten the arc here.", "n3f2a9c01d2e3f4a5b6c7", "Alice Smith"),
    Paragraph("The horizon tilts; level it.\nAnd the pole pops.", "n8e1d0c4b3a29f8e7d6c5"),
    Paragraph("TODO: fix the matte", "n0000000000000000000a"),
    Paragraph("a line the supervisor typed in cineSync"),
]
BLOCK = (
    "Alice Smith: Tighten the arc here. [syncd:n3f2a9c01d2e3f4a5b6c7:by]\n\n"
    "The horizon tilts; level it.\nAnd the pole pops. [syncd:n8e1d0c4b3a29f8e7d6c5]\n\n"
    "TODO: fix the matte [syncd:n0000000000000000000a]\n\n"
    "a line the supervisor typed in cineSync"
)


def test_the_documented_layout() -> None:
    assert join_paragraphs(WRITTEN) == BLOCK
    assert split_paragraphs(BLOCK) == WRITTEN


def test_text_a_user_adds_is_a_new_paragraph_without_link() -> None:
    edited = "Please also check the grade.\n\n" + BLOCK + "\n\n\n   \nOne more thing."
    assert split_paragraphs(edited) == [
        Paragraph("Please also check the grade."),
        *WRITTEN,
        Paragraph("One more thing."),
    ]


def test_an_edited_paragraph_keeps_its_link() -> None:
    edited = BLOCK.replace("Tighten the arc here.", "Tighten the arc a lot more.")
    edited = edited.replace("level it.\n", "level it now.\nAlso:\n")
    got = split_paragraphs(edited)
    assert got[0] == Paragraph("Tighten the arc a lot more.", WRITTEN[0].link, "Alice Smith")
    assert got[1] == Paragraph(
        "The horizon tilts; level it now.\nAlso:\nAnd the pole pops.", WRITTEN[1].link
    )


def test_a_removed_paragraph_is_absent() -> None:
    block = join_paragraphs([WRITTEN[0], WRITTEN[2]])
    assert [p.link for p in split_paragraphs(block)] == [WRITTEN[0].link, WRITTEN[2].link]


def test_a_renamed_or_dropped_attribution() -> None:
    renamed = BLOCK.replace("Alice Smith:", "Alice Smyth:")
    assert split_paragraphs(renamed)[0].author == "Alice Smyth"
    dropped = BLOCK.replace("Alice Smith: ", "")
    assert split_paragraphs(dropped)[0] == Paragraph("Tighten the arc here.", WRITTEN[0].link)


def test_a_note_ends_at_its_marker() -> None:
    merged = "first [syncd:a1]\nsecond [syncd:b2]"  # the blank line between them was deleted
    assert split_paragraphs(merged) == [Paragraph("first", "a1"), Paragraph("second", "b2")]
    typed_after = "first [syncd:a1] and a new remark"
    assert split_paragraphs(typed_after) == [
        Paragraph("first", "a1"),
        Paragraph("and a new remark"),
    ]
    own_line = "first\n[syncd:a1]"
    assert split_paragraphs(own_line) == [Paragraph("first", "a1")]


def test_whitespace_is_normalised_predictably() -> None:
    block = "\r\n  indented start  \r\n\r\n\t\n\nline one   \r\nline two\r\n\r\n"
    assert split_paragraphs(block) == [
        Paragraph("  indented start"),
        Paragraph("line one\nline two"),
    ]
    assert (
        normalize_text("one\n\n\ntwo  \n  three\r\nfour\rfive") == "one\ntwo\n  three\nfour\nfive"
    )


def test_marker_lookalikes_never_stay_in_text() -> None:
    assert normalize_text("copied [syncd:zz9] from elsewhere") == "copied  from elsewhere"
    assert normalize_text("[syncd:[syncd:a]b]") == ""
    assert normalize_author("Dr: Who\n[syncd:x:by]") == "Dr Who"
    assert normalize_author("  ") is None


def test_an_author_without_link_becomes_text() -> None:
    assert normalize_paragraph(Paragraph("hello", None, "Bob")) == Paragraph("Bob: hello")
    assert split_paragraphs(join_paragraphs([Paragraph("hello", None, "Bob")])) == [
        Paragraph("Bob: hello")
    ]


def test_empty_paragraphs() -> None:
    assert join_paragraphs([Paragraph("   "), Paragraph("", "n1")]) == "[syncd:n1]"
    assert split_paragraphs("[syncd:n1]") == [Paragraph("", "n1")]
    assert join_paragraphs([Paragraph("", "n1", "Ann")]) == "Ann: [syncd:n1:by]"
    assert split_paragraphs("Ann: [syncd:n1:by]") == [Paragraph("", "n1", "Ann")]
    assert split_paragraphs("") == [] and join_paragraphs([]) == ""


def test_xml_unsafe_characters_are_dropped() -> None:
    assert normalize_text("a\x00b\x0bc\ud800d\ufffe") == "abcd"


@pytest.mark.parametrize("link", ["", "has space", "x" * 65, "ünï", "a]b"])
def test_links_a_marker_cannot_carry(link: str) -> None:
    with pytest.raises(ValueError, match="marker"):
        join_paragraphs([Paragraph("text", link)])


links = st.one_of(st.none(), st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=80) | st.sampled_from(
    ["a\n\nb", " lead", "x [syncd:ab]", "Bob: hi", "[syncd:n1:by]", "\r\n", "é\u2028ü"]
)
authors = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["A: B", "[syncd:q]", "\n"]))
paragraphs = st.builds(Paragraph, texts, links, authors)


@given(st.lists(paragraphs, max_size=6))
def test_split_of_join_gives_the_normalised_paragraphs(ps: list[Paragraph]) -> None:
    expected = [n for n in map(normalize_paragraph, ps) if n.link is not None or n.text]
    assert split_paragraphs(join_paragraphs(ps)) == expected


@given(st.lists(paragraphs, max_size=6))
def test_join_of_split_gives_back_a_block_syncd_wrote(ps: list[Paragraph]) -> None:
    block = join_paragraphs(ps)
    assert join_paragraphs(split_paragraphs(block)) == block


@given(st.lists(paragraphs, max_size=6))
def test_normalising_twice_changes_nothing(ps: list[Paragraph]) -> None:
    once = [normalize_paragraph(p) for p in ps]
    assert [normalize_paragraph(p) for p in once] == once


@given(st.lists(paragraphs, max_size=4), texts)
def test_text_a_user_appends_is_one_new_paragraph(ps: list[Paragraph], typed: str) -> None:
    added = normalize_text(typed).replace("\n", " ")
    if not added.strip():
        return
    before = split_paragraphs(join_paragraphs(ps))
    assert split_paragraphs(join_paragraphs(ps) + "\n\n" + added) == [*before, Paragraph(added)]


@given(st.lists(texts, max_size=4).map("\n\n".join))
def test_whatever_a_user_typed_reads_as_normalised_paragraphs(block: str) -> None:
    found = split_paragraphs(block)
    assert all(normalize_paragraph(p) == p for p in found)
    assert split_paragraphs(join_paragraphs(found)) == found


@given(st.lists(paragraphs, max_size=4))
def test_a_block_survives_a_session_file(ps: list[Paragraph]) -> None:
    block = join_paragraphs(ps)
    media = Media(name="sh010.mov", locators=Locators(paths=("/p",)), notes=block)
    media = media.with_frame_notes(3, block)
    (again,) = parse_session(render_session(Session(media=(media,)))).media
    assert again.notes == block
    annotation = again.annotation(3)
    assert annotation is not None and annotation.notes == block
