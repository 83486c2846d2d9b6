"""userData: syncd's part set and read, everyone else's kept as it was."""

from __future__ import annotations

import pytest

from syncd.connectors.cinesync import UserDataError
from syncd.connectors.cinesync.userdata import (
    ShotgunRef,
    parse_user_data,
    shotgun_ref,
    syncd_data,
    with_syncd_data,
)
from tests.cinesync.helpers import load

VENDOR = (
    '{"shotgun":{"url":"https://orbit.shotgunstudio.com","project_id":88,'
    '"version_id":4021,"playlist_id":312,"playlist_name":"Tuesday dailies"}}'
)


def test_the_vendor_shotgun_ids_are_read() -> None:
    media = load("basic.csc").media[2]
    assert media.user_data == VENDOR
    assert shotgun_ref(media.user_data) == ShotgunRef(
        url="https://orbit.shotgunstudio.com",
        project_id=88,
        version_id=4021,
        playlist_id=312,
        playlist_name="Tuesday dailies",
    )
    assert syncd_data(media.user_data) is None


def test_syncd_part_added_beside_the_vendor_part() -> None:
    raw = with_syncd_data(VENDOR, {"item": "i42", "review": "r7"})
    assert raw == VENDOR[:-1] + ',"syncd":{"item":"i42","review":"r7"}}'
    assert syncd_data(raw) == {"item": "i42", "review": "r7"}
    assert shotgun_ref(raw) == shotgun_ref(VENDOR)


def test_unchanged_part_returns_the_attribute_as_it_was() -> None:
    spaced = '{ "syncd" : {"review": "r7"},\n "other": [1, 2] }'
    assert with_syncd_data(spaced, {"review": "r7"}) is spaced
    assert with_syncd_data(None, None) is None


def test_keys_are_written_in_a_stable_order() -> None:
    assert with_syncd_data(None, {"b": 1, "a": {"z": 1, "y": 2}}) == (
        '{"syncd":{"a":{"y":2,"z":1},"b":1}}'
    )


def test_removing_syncd_part() -> None:
    raw = with_syncd_data(VENDOR, {"item": "i1"})
    assert with_syncd_data(raw, None) == VENDOR
    assert with_syncd_data('{"syncd":{"item":"i1"}}', None) is None


def test_text_in_any_script_kept_readable() -> None:
    raw = with_syncd_data('{"note":"镜头"}', {"item": "ä"})
    assert raw == '{"note":"镜头","syncd":{"item":"ä"}}'


@pytest.mark.parametrize(
    "raw", ["sessionUserData blah", "[1, 2]", '"just a string"', "{broken", "7"]
)
def test_foreign_text_is_ignored_and_never_overwritten(raw: str) -> None:
    assert parse_user_data(raw) is None
    assert syncd_data(raw) is None
    assert shotgun_ref(raw) is None
    with pytest.raises(UserDataError, match="not a JSON object"):
        with_syncd_data(raw, {"item": "i1"})


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_user_data_takes_syncd_part(raw: str | None) -> None:
    assert with_syncd_data(raw, {"item": "i1"}) == '{"syncd":{"item":"i1"}}'


def test_ill_typed_vendor_fields_read_as_none() -> None:
    ref = shotgun_ref('{"shotgun":{"url":5,"version_id":"33","playlist_id":true}}')
    assert ref == ShotgunRef()
    assert syncd_data('{"syncd":"not an object"}') is None


def test_a_session_user_data_of_our_own() -> None:
    assert syncd_data(load("groupmovie.csc").user_data) == {"review": "r7"}
