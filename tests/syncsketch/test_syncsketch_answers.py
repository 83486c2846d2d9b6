"""The SyncSketch connector against each way the service may read what is unverified.

Which field names a reply's parent, and whether the create call takes an item's approval
status, are not documented: the stand-in takes each side in turn, and the connector must hold
the contract with every one, or, where the service keeps neither form, answer honestly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from syncd_standins.syncsketch import SyncSketchStandIn

from tests.connectors.contract import EndpointContract
from tests.syncsketch.test_syncsketch_connector import Seeded


@pytest.mark.parametrize(
    ("fields", "holds"),
    [(("parent", "parent_id"), True), (("parent_id",), True), (("parent",), True), ((), False)],
    ids=["both", "parent_id", "parent-uri", "neither"],
)
def test_syncsketch_replies_hold_in_every_form_the_service_may_read(
    syncsketch_standin: SyncSketchStandIn, fields: tuple[str, ...], holds: bool
) -> None:
    """The connector sends a reply's parent in both forms and checks the answer; a service
    that keeps neither gets an honest answer (a top-level note), which fails the contract."""
    syncsketch_standin.quirks.reply_parent = fields
    rig = Seeded(syncsketch_standin)
    contract = EndpointContract()
    try:
        if holds:
            contract.test_reply_reads_back_as_a_reply(rig.endpoint)
        else:
            with pytest.raises(AssertionError, match="top-level note"):
                contract.test_reply_reads_back_as_a_reply(rig.endpoint)
    finally:
        rig.endpoint.close()


def test_syncsketch_status_holds_when_the_create_call_drops_it(
    syncsketch_standin: SyncSketchStandIn, tmp_path: Path
) -> None:
    syncsketch_standin.quirks.create_ignores = frozenset({"approval_status"})
    rig = Seeded(syncsketch_standin)
    contract = EndpointContract()
    contract.statuses = ("for_review", "approved")
    try:
        contract.test_created_item_carries_its_status(rig.endpoint)
    finally:
        rig.endpoint.close()
