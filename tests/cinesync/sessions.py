"""Hand-written sessions for the connector's tests, and shortcuts to play cineSync on them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from syncd.connectors.cinesync.endpoint import CineSyncEndpoint
from syncd.core.model import LocalMedia

HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" '
    'sessionFeatures="standard">\n'
)
TAIL = "</session>\n"

LINE = (
    '<line thickness="0.0025" color="#ff0000" alpha="1">'
    '<point x="0.1" y="0.8" alpha="1.0" /><point x="0.2" y="0.7" alpha="1.0" /></line>'
)
CIRCLE = (
    '<circle color="#00ff66" alpha="1"><startPoint x="0.4" y="0.3" />'
    '<endPoint x="0.5" y="0.45" /></circle>'
)


def session(*media: str, notes: str | None = None) -> str:
    body = "".join(media)
    if notes is not None:
        body += f"    <notes>{notes}</notes>\n"
    return HEAD + body + TAIL


def media(
    name: str,
    *,
    path: str = "/mnt/show/{name}.mov",
    notes: str | None = None,
    frames: dict[int, tuple[str | None, str]] | None = None,
    user_data: str | None = None,
    extra: str = "",
) -> str:
    """A ``<media>``; ``frames`` maps a frame to (its notes, its drawing elements)."""
    attrs = f' userData="{user_data}"' if user_data is not None else ""
    out = f"    <media{attrs}>\n        <name>{name}</name>\n"
    out += f"        <locators><path>{path.format(name=name)}</path></locators>\n"
    if notes is not None:
        out += f"        <notes>{notes}</notes>\n"
    for frame, (text, drawings) in (frames or {}).items():
        inner = (f"<notes>{text}</notes>" if text is not None else "") + drawings
        out += f'        <annotation frame="{frame}">{inner}</annotation>\n'
    return out + extra + "    </media>\n"


def endpoint(folder: Path, name: str = "dailies") -> CineSyncEndpoint:
    return CineSyncEndpoint("cinesync", folder, name)


def run(folder: Path, name: str = "dailies") -> CineSyncEndpoint:
    """Read the session as a run does, and finish the run (nothing written by the engine)."""
    ep = endpoint(folder, name)
    ep.hold_housekeeping = True
    ep.snapshot()
    ep.settle()
    ep.flush()
    ep.close()
    return ep


def picture(folder: Path, name: str = "sh010.png", rgb: tuple[int, int, int] = (200, 90, 40)):
    """A small PNG as syncd's media cache would hand it over."""
    import pyvips

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    card = (pyvips.Image.black(64, 36, bands=3) + list(rgb)).cast("uchar")
    card.write_to_file(str(path))
    data = path.read_bytes()
    return LocalMedia(path, hashlib.sha256(data).hexdigest(), name, len(data))
