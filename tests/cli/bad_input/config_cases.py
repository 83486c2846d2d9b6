"""Configuration files a new user gets wrong: exit 2, one line naming the file, line and key."""

from __future__ import annotations

from tests.cli.bad_input import CONFIG, Case, config

RUN = ("run", "--once")
GOOD = {"syncd.yaml": CONFIG}
SS_SYSTEM = "  ss: {type: syncsketch, url: 'http://127.0.0.1:9', username: u, api_key: ${SS_KEY}"
SS_ENDPOINT = "      client: {review: dailies}\n      ss: {project_id: 1, review: r}"
WITH_SS = config("      client: {review: dailies}", SS_ENDPOINT)


def bad(
    id: str,
    text: str | bytes,
    place: str,
    command: tuple[str, ...] = RUN,
    **options: object,
) -> Case:
    """A configuration case whose fix is the good configuration."""
    return Case(id, {"syncd.yaml": text}, command, 2, place, fix=GOOD, **options)  # type: ignore[arg-type]


CASES = [
    bad(
        "unknown-top-level-key",
        CONFIG + "statee: x\n",
        "syncd.yaml:14: statee: unknown key (did you mean 'state'?)",
    ),
    bad(
        "unknown-mapping-key",
        config("    sync:", "    synk:"),
        "syncd.yaml:10: mappings[0].synk: unknown key (did you mean 'sync'?)",
        ("check",),
    ),
    bad(
        "unknown-system-setting",
        config("path: ./studio}", "path: ./studio, pth: x}"),
        "syncd.yaml:3: systems.studio.pth: unknown key",
    ),
    bad(
        "unknown-selector-key",
        config("studio: {review: dailies}", "studio: {review: dailies, reveiw: x}"),
        "syncd.yaml:8: mappings[0].endpoints.studio.reveiw: unknown key",
        ("plan",),
    ),
    bad(
        "unknown-system-type",
        config("{type: file, path: ./studio}", "{type: filez, path: ./studio}"),
        "syncd.yaml:3: systems.studio.type: value 'filez' is not allowed; use one of:",
    ),
    bad(
        "missing-systems",
        "state: sqlite:///state.db\n" + CONFIG.split("\n", 4)[4],
        "(top level): missing required key 'systems'",
    ),
    bad(
        "missing-mappings",
        CONFIG.split("mappings:")[0],
        "(top level): missing required key 'mappings'",
        ("status",),
    ),
    bad(
        "no-mappings", CONFIG.split("mappings:")[0] + "mappings: []\n", "mappings: needs at least 1"
    ),
    bad(
        "endpoint-names-no-system",
        config("      client: {review: dailies}", "      clientt: {review: dailies}"),
        "syncd.yaml:9: mappings[0].endpoints.clientt: no system named 'clientt' "
        "(did you mean 'client'?)",
    ),
    bad(
        "one-endpoint-only",
        config("      client: {review: dailies}\n", "").replace(
            "    sync: {notes: both, statuses: both}\n    statuses:\n"
            "      - {studio: wfa, client: for_review}\n      - {studio: done, client: approved}\n",
            "",
        ),
        "syncd.yaml:7: mappings[0].endpoints: needs at least 2 entries",
    ),
    bad(
        "mapping-name-is-a-list",
        config("  - name: dailies", "  - name: [dailies]"),
        "syncd.yaml:6: mappings[0].name: the value should be of type string",
    ),
    bad(
        "mapping-name-with-spaces",
        config("  - name: dailies", "  - name: daily notes"),
        "syncd.yaml:6: mappings[0].name: value 'daily notes' is not in the expected form",
    ),
    bad(
        "duplicate-mapping-names",
        CONFIG + CONFIG.split("mappings:\n")[1],
        "syncd.yaml:14: mappings[1].name: 'dailies' is used twice; names must be unique",
    ),
    bad(
        "bad-direction",
        config("notes: both", "notes: sideways"),
        "syncd.yaml:10: mappings[0].sync.notes: 'sideways' is not allowed; use both, off or one "
        "of this mapping's endpoints: studio, client",
    ),
    bad(
        "direction-is-a-number",
        config("notes: both", "notes: 5"),
        "syncd.yaml:10: mappings[0].sync.notes: value 5 should be of type string or boolean",
        ("check",),
    ),
    bad(
        "bad-conflicts",
        config("    sync:", "    conflicts: newest\n    sync:"),
        "syncd.yaml:10: mappings[0].conflicts: 'newest' is not allowed; use last-writer, "
        "keep-both or one of this mapping's endpoints",
    ),
    bad(
        "bad-deletes",
        config("statuses: both}", "statuses: both, deletes: maybe}"),
        "syncd.yaml:10: mappings[0].sync.deletes: value 'maybe' is not allowed",
    ),
    bad(
        "bad-duration",
        config("    sync:", "    schedule: {every: soon}\n    sync:"),
        "syncd.yaml:10: mappings[0].schedule.every: value 'soon' is not in the expected form",
    ),
    bad(
        "bad-cron",
        config("    sync:", "    schedule: {cron: '61 * * * *'}\n    sync:"),
        "syncd.yaml:10: mappings[0].schedule.cron: not a valid crontab expression",
    ),
    bad(
        "every-and-cron",
        config("    sync:", "    schedule: {every: 2m, cron: '* * * * *'}\n    sync:"),
        "syncd.yaml:10: mappings[0].schedule: give either every or cron, not both",
    ),
    bad(
        "jitter-is-a-number",
        config("    sync:", "    schedule: {every: 2m, jitter: 10}\n    sync:"),
        "syncd.yaml:10: mappings[0].schedule.jitter: value 10 should be of type string",
    ),
    bad(
        "bad-match-regex",
        config("    sync:", "    match: {studio: '(sh'}\n    sync:"),
        "syncd.yaml:10: mappings[0].match.studio: not a valid regular expression",
    ),
    bad(
        "match-names-no-endpoint",
        config("    sync:", "    match: {editorial: 'sh'}\n    sync:"),
        "syncd.yaml:10: mappings[0].match.editorial: 'editorial' is not an endpoint",
    ),
    bad(
        "statuses-synced-without-table",
        CONFIG.split("    statuses:")[0],
        "syncd.yaml:10: mappings[0].sync.statuses: statuses are synced but the mapping has no "
        "statuses: table",
    ),
    bad(
        "status-row-names-no-endpoint",
        config("{studio: done, client: approved}", "{studio: done, clint: approved}"),
        "syncd.yaml:13: mappings[0].statuses[1].clint: 'clint' is not an endpoint of this mapping",
    ),
    bad(
        "duplicate-status-value",
        config("{studio: done, client: approved}", "{studio: WFA, client: approved}"),
        "syncd.yaml:13: mappings[0].statuses[1].studio: 'WFA' is already in row 0 (line 12)",
        ("plan",),
    ),
    bad(
        "duplicate-status-value-in-a-list",
        config("{studio: done, client: approved}", "{studio: [done, wfa], client: approved}"),
        "syncd.yaml:13: mappings[0].statuses[1].studio: 'wfa' is already in row 0",
    ),
    bad(
        "status-value-is-a-number",
        config("{studio: done, client: approved}", "{studio: 5, client: approved}"),
        "syncd.yaml:13: mappings[0].statuses[1].studio: value 5 should be of type string or "
        "array of string",
    ),
    bad(
        "max-delete-share-above-1",
        config("    sync:", "    max_delete_share: 1.5\n    sync:"),
        "syncd.yaml:10: mappings[0].max_delete_share: value 1.5 must be maximum 1",
    ),
    bad(
        "min-delete-guard-zero",
        config("    sync:", "    min_delete_guard: 0\n    sync:"),
        "syncd.yaml:10: mappings[0].min_delete_guard: value 0 must be minimum 1",
    ),
    bad(
        "env-var-unset",
        config("path: ./studio}", "path: '${STUDIO_DIR}'}"),
        "syncd.yaml:3: systems.studio.path: environment variable STUDIO_DIR is not set; export it",
    ),
    bad(
        "env-var-without-closing-brace",
        config("path: ./studio}", "path: '${STUDIO_DIR'}"),
        "syncd.yaml:3: systems.studio.path: ${STUDIO_DIR has no closing }; write ${STUDIO_DIR}",
    ),
    bad(
        "env-var-without-closing-brace-in-flow",
        config("path: ./studio}", "path: ${STUDIO_DIR, }"),
        "syncd.yaml:3: ${STUDIO_DIR has no closing }; write ${STUDIO_DIR}",
    ),
    bad(
        "secret-without-closing-brace",
        config(
            "  client: {type: file, path: ./client}",
            "  client: {type: file, path: ./client}\n"
            + SS_SYSTEM.replace("${SS_KEY}", "${SS_KEY, timeout: 5}"),
            WITH_SS,
        ),
        "syncd.yaml:5: ${SS_KEY has no closing }; write ${SS_KEY}",
    ),
    bad(
        "env-value-of-the-wrong-type-is-not-echoed",
        config(
            "  client: {type: file, path: ./client}",
            "  client: {type: file, path: ./client}\n" + SS_SYSTEM + ", timeout: ${SS_KEY}}",
            WITH_SS,
        ),
        "syncd.yaml:5: systems.ss.timeout: the value from ${SS_KEY} should be of type number",
    ),
    bad(
        "binary-file",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8",
        "syncd.yaml:1: not a text file (byte 0x89 is not UTF-8)",
    ),
    bad(
        "control-character",
        CONFIG.replace("systems:", "systems:\x01"),
        "syncd.yaml:2: not valid YAML",
    ),
    bad("empty-file", "", "syncd.yaml: the configuration file is empty", ("check",)),
    bad("only-comments", "# syncd\n# to do\n", "syncd.yaml: the configuration file is empty"),
    bad(
        "not-a-mapping",
        "- studio\n- client\n",
        "syncd.yaml: the configuration must be a mapping with systems and mappings",
    ),
    bad(
        "yaml-syntax",
        config("    sync: {notes", "    sync: [{notes"),
        "syncd.yaml:11: not valid YAML",
    ),
    bad(
        "tab-indentation",
        config("  client:", "\tclient:"),
        "syncd.yaml:4: not valid YAML",
    ),
    bad(
        "merge-key",
        config("    sync: {notes: both, statuses: both}", "    sync: {<<: {notes: both}}"),
        "syncd.yaml:10: merge keys (<<) are not supported; write the keys out",
    ),
    bad(
        "python-tag",
        config("path: ./studio}", "path: !!python/name:os.system ./studio}"),
        "syncd.yaml:3: could not determine a constructor for the tag",
    ),
    bad("duplicate-key", CONFIG + "systems: {}\n", "syncd.yaml:14: systems: duplicate key"),
    bad(
        "system-path-is-a-file",
        config("path: ./client}", "path: ./syncd.yaml}"),
        "syncd.yaml:4: systems.client.path: @ROOT@/syncd.yaml is a file, not a folder; point "
        "path: at the folder",
    ),
    bad(
        "selector-project-id-not-a-number",
        config(
            "  client: {type: file, path: ./client}",
            "  client: {type: file, path: ./client}\n" + SS_SYSTEM + "}",
            WITH_SS,
        ).replace("project_id: 1", "project_id: one"),
        "syncd.yaml:11: mappings[0].endpoints.ss.project_id: value 'one' should be of type integer",
    ),
    bad(
        "kitsu-url-without-scheme",
        config(
            "  client: {type: file, path: ./client}",
            "  client: {type: file, path: ./client}\n"
            "  kitsu: {type: kitsu, url: kitsu.example, email: e, password: p}",
            config(
                "      client: {review: dailies}",
                "      client: {review: dailies}\n"
                "      kitsu: {project: P, playlist: L, task_type: T}",
            ),
        ),
        "syncd.yaml:5: systems.kitsu.url: give Kitsu's address",
    ),
    bad(
        "shotgrid-unknown-field-option",
        config(
            "  client: {type: file, path: ./client}",
            "  client: {type: file, path: ./client}\n"
            "  sg: {type: shotgrid, url: 'http://127.0.0.1:9', script_name: s, api_key: k,\n"
            "       fields: {statuz: sg_status_list}}",
            config(
                "      client: {review: dailies}",
                "      client: {review: dailies}\n      sg: {project_id: 1, playlist: L}",
            ),
        ),
        "syncd.yaml:6: systems.sg.fields.statuz: unknown key (did you mean 'status'?)",
        ("plan",),
    ),
    bad(
        "state-url-unparsable",
        config("state: sqlite:///state.db", "state: not a database url"),
        "syncd.yaml:1: state: cannot use database",
    ),
    bad(
        "state-url-unknown-driver",
        config("state: sqlite:///state.db", "state: mysql://u@h/db"),
        "syncd.yaml:1: state: cannot use database mysql://u@h/db",
        ("status",),
    ),
    bad(
        "people-row-names-no-system",
        config(
            "mappings:", "people:\n  - {studio: jdoe@studio.com, clent: john@client.com}\nmappings:"
        ),
        "syncd.yaml:6: people[0].clent: 'clent' is not a system (did you mean 'client'?)",
    ),
    bad(
        "people-row-of-one-system",
        config("mappings:", "people:\n  - {studio: jdoe@studio.com}\nmappings:"),
        "syncd.yaml:6: people[0]: a row says who one person is in two or more systems",
        ("check",),
    ),
    bad(
        "people-person-in-two-rows",
        config(
            "mappings:",
            "people:\n  - {studio: jdoe@studio.com, client: john@client.com}\n"
            "  - {studio: JDoe@studio.com, client: jd@client.com}\nmappings:",
        ),
        "syncd.yaml:7: people[1].studio: 'JDoe@studio.com' is already in row 0 (line 6); a "
        "person is in one row only",
    ),
    bad(
        "people-value-not-an-address",
        config("mappings:", "people:\n  - {studio: John Doe, client: john@client.com}\nmappings:"),
        "syncd.yaml:6: people[0].studio: 'John Doe' is not an e-mail or a login",
        ("plan",),
    ),
    bad(
        "mapping-people-names-no-endpoint",
        config(
            "    sync: {notes: both, statuses: both}",
            "    people:\n      - {studio: jdoe@studio.com, shotgrid: jdoe}\n"
            "    sync: {notes: both, statuses: both}",
        ),
        "syncd.yaml:11: mappings[0].people[0].shotgrid: 'shotgrid' is not an endpoint of this "
        "mapping; use one of: studio, client",
    ),
    Case(
        "configuration-file-missing",
        {},
        ("run", "--once", "-c", "nowhere.yaml"),
        2,
        "nowhere.yaml: configuration file not found; pass -c FILE",
    ),
    Case(
        "configuration-file-is-a-folder",
        {"conf.d/keep": ""},
        ("check", "-c", "conf.d"),
        2,
        "conf.d: is a folder, not a configuration file",
    ),
    Case(
        "unknown-mapping-on-the-command-line",
        {},
        ("run", "--once", "-m", "dailes"),
        2,
        "no mapping named 'dailes' (did you mean 'dailies'?)",
    ),
]
