"""``syncd demo``: a review synced between local stand-ins, with no accounts and no setup.

The demo writes a configuration, seeds a "studio" review (a file, standing in for the tracker
where no real one is configured) and runs the real engine against it and the other endpoints,
then plays a reviewer writing a note and shows it arrive. Everything stays in one folder.
"""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

from syncd.config import load_config
from syncd.connectors.file import FileEndpoint
from syncd.core.model import NewNote, Person
from syncd.runtime import open_store, run_mapping

CONFIG = """\
# syncd demo configuration: two file endpoints standing in for a tracker and a review tool.
state: sqlite:///state.db
media_dir: media-cache
systems:
  studio: {{type: file, path: ./reviews/studio}}
  client: {{type: file, path: ./reviews/client}}
mappings:
  - name: dailies
    schedule: {{every: 10s}}
    endpoints:
      studio: {{review: dailies}}
      client: {{review: dailies}}
    sync: {{notes: both, statuses: both, media: studio, order: studio, deletes: off}}
    conflicts: studio
    statuses:
      - {{studio: wfa, client: for_review}}
      - {{studio: retake, client: on_hold}}
      - {{studio: done, client: approved}}
"""

SEED = """\
review: dailies
items:
  - name: sh010
    status: wfa
    notes:
      - text: Contact shadow is missing under the left foot.
        author: Dana Lead <dana@studio.example>
        frame: 12
  - name: sh020
    status: retake
    notes:
      - text: Camera shake is too strong after the cut.
        author: Dana Lead <dana@studio.example>
  - name: sh030
    status: done
"""


def _say(text: str) -> None:
    print(textwrap.indent(text.rstrip(), "  ") if text.startswith(" ") else text, flush=True)


def run_demo(folder: Path, *, serve: bool = False) -> int:
    folder = folder.resolve()
    (folder / "reviews" / "studio").mkdir(parents=True, exist_ok=True)
    config_path = folder / "syncd.yaml"
    config_path.write_text(CONFIG.format())
    studio_file = folder / "reviews" / "studio" / "dailies.yaml"
    if not studio_file.exists():
        studio_file.write_text(SEED)
    config = load_config(config_path)
    store = open_store(config)
    mapping = config.mapping("dailies")

    print(f"syncd demo in {folder}\n")
    print("1. First run: the studio review is copied to the client side.")
    result = run_mapping(config, store, mapping)
    print(f"   {result.outcome}: {dict(result.counts) or 'nothing to do'}")

    client = FileEndpoint("client", folder / "reviews" / "client", "dailies")
    snap = client.snapshot()
    first = snap.items[0]
    print("\n2. A supervisor answers on the client side and puts sh030 on hold.")
    note = next(n for n in snap.notes if n.item == first.id)
    client.create_note(
        NewNote(
            item=first.id,
            text="Agreed, and soften the rim light too.",
            link="",
            parent=note.id,
            author=Person("sam@client.example", "Sam Supervisor"),
        )
    )
    third = snap.items[2]
    client.set_status(third.id, "on_hold")

    print("\n3. Second run: the reply and the status travel back to the studio.")
    result = run_mapping(config, store, mapping)
    print(f"   {result.outcome}: {dict(result.counts) or 'nothing to do'}")

    print("\n4. Third run: nothing changed, so nothing is written.")
    result = run_mapping(config, store, mapping)
    print(f"   {result.outcome}: {dict(result.counts) or 'nothing to do'}")

    print(f"\nThe studio review now reads ({studio_file}):\n")
    print(textwrap.indent(studio_file.read_text(), "    "))
    print("Try it yourself: edit either file under reviews/, then run")
    print(f"    syncd run --once -c {config_path}")
    print(f"    syncd status -c {config_path}")
    if serve:
        print("\nServing: syncing every 10 seconds until Ctrl-C.")
        try:
            while True:
                time.sleep(10)
                result = run_mapping(config, store, mapping)
                if result.counts:
                    print(f"   {time.strftime('%H:%M:%S')} {dict(result.counts)}", flush=True)
        except KeyboardInterrupt:
            return 0
    sys.stdout.flush()
    return 0 if not result.failed else 1
