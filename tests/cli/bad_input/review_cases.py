"""Review files a person typed wrong: the file is refused whole (exit 1), naming its line, item
and note, and nothing is written anywhere from it."""

from __future__ import annotations

from tests.cli.bad_input import REVIEW, REVIEW_PATH, Case, review

GOOD = {REVIEW_PATH: REVIEW}
NOTE = "      - text: Fix the contact shadow.\n"


def bad(
    id: str, text: str | bytes, place: str, command: tuple[str, ...] = ("run", "--once")
) -> Case:
    """A review-file case whose fix is the good review file."""
    return Case(id, {REVIEW_PATH: text}, command, 1, place, fix=GOOD, state="any")


def note(new: str) -> str:
    """The review file with its first note's text line replaced by ``new`` lines."""
    return review(NOTE, new)


CASES = [
    bad(
        "text-is-a-list",
        note("      - text: [Fix, the, shadow]\n"),
        "dailies.yaml:6: items[0] 'sh010', notes[0]: text is a list; write the note as one text",
    ),
    bad(
        "text-is-a-mapping",
        note("      - text: {fix: shadow}\n"),
        "dailies.yaml:6: items[0] 'sh010', notes[0]: text is a mapping",
        ("plan",),
    ),
    bad(
        "text-is-null",
        note("      - text: null\n"),
        "dailies.yaml:6: items[0] 'sh010', notes[0]: the note has no text (it has replies)",
    ),
    bad(
        "text-is-missing",
        note("      - author: Dana <dana@studio.example>\n").replace(
            "        author: Dana <dana@studio.example>\n        frame", "        frame"
        ),
        "dailies.yaml:6: items[0] 'sh010', notes[0]: the note has no text",
    ),
    bad(
        "text-is-empty",
        review("      - text: Grade is a touch warm.\n", "      - text: ''\n"),
        "dailies.yaml:14: items[1] 'sh020', notes[0]: the note has no text; write its text",
        ("check",),
    ),
    bad(
        "text-is-blank",
        review("      - text: Grade is a touch warm.\n", "      - text: '   '\n"),
        "dailies.yaml:14: items[1] 'sh020', notes[0]: the note has no text",
    ),
    bad(
        "text-reads-as-a-boolean",
        review("      - text: Grade is a touch warm.\n", "      - text: yes\n"),
        "dailies.yaml:14: items[1] 'sh020', notes[0]: text reads as True; quote it",
    ),
    bad(
        "item-without-a-name",
        review("  - name: sh020\n", "  - id: x\n"),
        "dailies.yaml:11: items[1]: the item has no name; add name:",
    ),
    bad(
        "item-with-an-empty-name",
        review("  - name: sh020\n", "  - name: ''\n"),
        "dailies.yaml:11: items[1]: the item has no name",
    ),
    bad(
        "duplicate-item-names",
        review("  - name: sh020\n", "  - name: sh010\n"),
        "dailies.yaml:11: items[1] 'sh010': the name is also used by items[0]; item names must be "
        "unique in a review file",
    ),
    bad(
        "duplicate-item-names-differing-in-case",
        review("  - name: sh020\n", "  - name: 'SH010 '\n"),
        "dailies.yaml:11: items[1] 'SH010 ': the name is also used by items[0]",
    ),
    bad(
        "frame-is-text",
        review("        frame: 12\n", "        frame: 'abc'\n"),
        "dailies.yaml:8: items[0] 'sh010', notes[0]: frame 'abc' is not a frame number; write a "
        "whole number from 1",
    ),
    bad(
        "frame-is-negative",
        review("        frame: 12\n", "        frame: -5\n"),
        "dailies.yaml:8: items[0] 'sh010', notes[0]: frame -5 is not a frame number",
    ),
    bad(
        "frame-is-zero",
        review("        frame: 12\n", "        frame: 0\n"),
        "dailies.yaml:8: items[0] 'sh010', notes[0]: frame 0 is not a frame number",
        ("plan",),
    ),
    bad(
        "frame-is-fractional",
        review("        frame: 12\n", "        frame: 1.5\n"),
        "dailies.yaml:8: items[0] 'sh010', notes[0]: frame 1.5 is not a frame number",
    ),
    bad(
        "frame-is-a-boolean",
        review("        frame: 12\n", "        frame: on\n"),
        "dailies.yaml:8: items[0] 'sh010', notes[0]: frame True is not a frame number",
    ),
    bad(
        "reply-under-a-note-without-text",
        note("      - text: ''\n"),
        "dailies.yaml:6: items[0] 'sh010', notes[0]: the note has no text (it has replies)",
    ),
    bad(
        "reply-without-text",
        review("          - text: On it.\n", "          - text: null\n"),
        "dailies.yaml:10: items[0] 'sh010', notes[0].replies[0]: the note has no text",
    ),
    bad(
        "replies-not-a-list",
        review("        replies:\n          - text: On it.\n", "        replies: On it.\n"),
        "dailies.yaml:9: items[0] 'sh010', notes[0].replies: must be a list of notes",
    ),
    bad(
        "media-names-a-missing-file",
        review("    status: done\n", "    status: done\n    media: media/sh020_v3.mov\n"),
        "dailies.yaml:13: items[1] 'sh020': media file media/sh020_v3.mov does not exist in",
    ),
    bad(
        "media-without-a-file",
        review("    status: done\n", "    status: done\n    media: {sha256: abc}\n"),
        "dailies.yaml:13: items[1] 'sh020': media must name a file",
    ),
    bad(
        "binary-file",
        b"review: dailies\nitems:\n  - name: sh010\n\xff\xfe\x00\x00",
        "dailies.yaml:4: not a text file (byte 0xff is not UTF-8)",
    ),
    bad(
        "control-character",
        REVIEW.replace("sh020", "sh\x07020"),
        "dailies.yaml:11: not valid YAML (a control character is not allowed)",
    ),
    bad(
        "yaml-syntax",
        review("  - name: sh020\n", "  - name: [sh020\n"),
        "dailies.yaml:12: not valid YAML",
    ),
    bad(
        "python-tag",
        review("  - name: sh020\n", "  - !!python/object:os.system\n    name: sh020\n"),
        "dailies.yaml:11: could not determine a constructor for the tag",
    ),
    bad(
        "not-a-mapping",
        "- sh010\n- sh020\n",
        "dailies.yaml: expected a mapping with review and items",
    ),
    bad(
        "items-not-a-list",
        "review: dailies\nitems:\n  sh010: {status: wfa}\n",
        "dailies.yaml:2: items: must be a list of items",
    ),
    bad(
        "item-not-a-mapping",
        review("  - name: sh020\n    status: done\n", "  - sh020\n").split(
            "    notes:\n      - text: G"
        )[0],
        "dailies.yaml:11: items[1]: an item must be a mapping such as {name: sh010}",
    ),
    bad(
        "notes-not-a-list",
        review("    notes:\n      - text: Grade is a touch warm.\n", "    notes: Grade is warm.\n"),
        "dailies.yaml:13: items[1] 'sh020', notes: must be a list of notes",
    ),
    bad(
        "note-not-a-mapping",
        review("      - text: Grade is a touch warm.\n", "      - Grade is a touch warm.\n"),
        "dailies.yaml:14: items[1] 'sh020', notes[0]: a note must be a mapping",
    ),
    bad(
        "item-copied-with-its-id",
        review("  - name: sh010\n", "  - name: sh010\n    id: i1\n").replace(
            "  - name: sh020\n", "  - name: sh030\n    id: i1\n"
        ),
        "dailies.yaml:13: items[1] 'sh030': id i1 is also the id of items[0] 'sh010' (copied with "
        "its id?); remove the id: line of the copy",
    ),
    bad(
        "note-copied-with-its-id",
        review(NOTE, NOTE + "        id: n1\n").replace(
            "      - text: Grade is a touch warm.\n",
            "      - text: Grade is a touch warm.\n        id: n1\n",
        ),
        "dailies.yaml:16: items[1] 'sh020', notes[0]: id n1 is also the id of items[0] 'sh010', "
        "notes[0]",
    ),
    bad(
        "status-is-a-list",
        review("    status: done\n", "    status: [done, wfa]\n"),
        "dailies.yaml:12: items[1] 'sh020': status must be text, not a list",
    ),
    bad(
        "author-is-a-list",
        review("        author: Dana <dana@studio.example>\n", "        author: [Dana]\n"),
        "dailies.yaml:7: items[0] 'sh010', notes[0]: author must be text",
    ),
]
