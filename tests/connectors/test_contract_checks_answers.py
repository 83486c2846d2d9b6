"""The contract fails a connector, or a service, that answers a write with something else.

A write must answer what the system holds. A connector that echoes what it was asked while the
service kept something else (a reply's parent dropped, say) would let syncd record as done what
no one can see; the contract is what catches it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import NewNote, Note
from tests.connectors.contract import EndpointContract


class EchoingEndpoint(MemoryEndpoint):
    """Keeps replies as top-level notes but answers as if they were replies."""

    def create_note(self, note: NewNote) -> Note:
        held = super().create_note(replace(note, parent=None))
        self.review.notes[held.id] = held
        return replace(held, parent=note.parent)


def test_an_echoing_connector_fails_the_contract() -> None:
    endpoint = EchoingEndpoint("echo", MemoryReview("echo"))
    with pytest.raises(AssertionError):
        EndpointContract().test_reply_reads_back_as_a_reply(endpoint)


class Forgetful(MemoryEndpoint):
    """Writes notes but forgot to say so."""

    capabilities = replace(MemoryEndpoint.capabilities, can_create_notes=False)


def test_a_forgotten_capability_fails_the_contract() -> None:
    endpoint = Forgetful("forgetful", MemoryReview("forgetful"))
    with pytest.raises(AssertionError, match="create_note is implemented but can_create_notes"):
        EndpointContract().test_capabilities_match_the_methods(endpoint)
