"""``newswatch feeds``: the feed registry and each feed's health.

    newswatch feeds [--feeds FILE] [--json]     list feeds with health from the state store
    newswatch feeds check [--feeds FILE]        validate the registry (exit 1 on any error)
    newswatch feeds import-opml OPML [--feeds FILE] [--dry-run]
                                                add the OPML's feeds to the registry file
    newswatch feeds export-opml [--feeds FILE] [-o OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from newswatch.settings import Settings

if TYPE_CHECKING:
    from newswatch.ingest.address_policy import AddressPolicy


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feeds", help="list feeds with their health; OPML import/export")
    parser.add_argument("--feeds", type=Path, default=None,
                        help="registry file, YAML or OPML (default: NEWSWATCH_FEEDS_FILE)")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="poller state folder (default: NEWSWATCH_STATE_DIR)")
    parser.add_argument("--json", action="store_true", help="one JSON object per feed")
    actions = parser.add_subparsers(dest="feeds_action", metavar="ACTION")
    actions.add_parser("list", help="list feeds with their health (the default)")
    actions.add_parser("check", help="validate the registry file; exit 1 on any error")
    imp = actions.add_parser("import-opml", help="add the feeds of an OPML file to the registry")
    imp.add_argument("opml", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="show what would be added")
    exp = actions.add_parser("export-opml", help="write the registry as OPML")
    exp.add_argument("-o", "--output", type=Path, default=None, help="default: stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.ingest.address_policy import AddressPolicy
    from newswatch.ingest.registry import load_feeds

    path = settings.feeds_path(args.feeds)
    action = args.feeds_action or "list"
    try:
        policy = AddressPolicy.parse(settings.allowed_hosts)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if action == "import-opml":
        return _import_opml(args.opml, path, dry_run=args.dry_run, policy=policy)
    loaded = load_feeds(path, policy)
    for error in loaded.errors:
        print(f"error: {error}", file=sys.stderr)
    if action == "check":
        print(f"{path}: {len(loaded.feeds)} feeds ok, {len(loaded.errors)} errors")
        return 1 if loaded.errors else 0
    if action == "export-opml":
        from newswatch.ingest.opml import write_opml

        document = write_opml(loaded.feeds, title=f"newswatch feeds ({path.name})")
        if args.output:
            args.output.write_text(document, encoding="utf-8")
            print(f"wrote {len(loaded.feeds)} feeds to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(document)
        return 0
    return _list(loaded.feeds, Path(args.state_dir or settings.state_dir), settings,
                 as_json=args.json)


def _list(feeds: list, state_dir: Path, settings: Settings, *, as_json: bool) -> int:
    from newswatch.ingest.config import poller_config
    from newswatch.ingest.health import feed_health, format_table
    from newswatch.ingest.state import STATE_FILE, StateStore

    states = {}
    if (state_dir / STATE_FILE).exists():
        with StateStore.in_dir(state_dir) as store:
            states = store.all()
    else:
        print(f"no poll state in {state_dir} yet (nothing polled there)", file=sys.stderr)
    now = time.time()
    rows = feed_health(feeds, states, now, poller_config(settings).dead_after_s)
    if as_json:
        for row in rows:
            print(json.dumps(row.as_dict()))
    else:
        print(format_table(rows, now))
    return 0


def _import_opml(opml: Path, target: Path, *, dry_run: bool, policy: AddressPolicy) -> int:
    """Append the OPML's new feeds (by id and URL) to the registry file, keeping its text."""
    from newswatch.ingest.opml import read_opml
    from newswatch.ingest.registry import feeds_to_yaml, load_feeds

    try:
        incoming = read_opml(opml.read_bytes(), source=str(opml), policy=policy)
    except OSError as exc:
        print(f"error: cannot read {opml}: {exc}", file=sys.stderr)
        return 2
    for error in incoming.errors:
        print(f"skipped: {error}", file=sys.stderr)
    existing = load_feeds(target, policy).feeds if target.exists() else []
    ids, urls = {f.id for f in existing}, {f.url for f in existing}
    new = [f for f in incoming.feeds if f.id not in ids and f.url not in urls]
    print(f"{len(new)} new feeds from {opml} ({len(incoming.feeds) - len(new)} already there)",
          file=sys.stderr)
    if dry_run or not new:
        for feed in new:
            print(f"  {feed.id}  {feed.url}")
        return 0
    if target.suffix.lower() in (".opml", ".xml"):
        print(f"error: {target} is OPML; import into a YAML registry file", file=sys.stderr)
        return 2
    if not target.exists() or not target.read_text(encoding="utf-8").strip():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(feeds_to_yaml(new, header=f"Feed registry (imported from {opml.name})"),
                          encoding="utf-8")
        return 0
    text = target.read_text(encoding="utf-8")
    indent = _feeds_item_indent(text)
    if indent is None:
        print(f"error: cannot append to {target}: 'feeds' must be its last top-level key, "
              "a block list", file=sys.stderr)
        return 2
    # append list items under the existing `feeds:` key, so comments and layout survive
    entries = feeds_to_yaml(new).split("\n", 1)[1]  # drop the "feeds:" line
    block = "".join(" " * indent + line + "\n" for line in entries.splitlines() if line)
    if not text.endswith("\n"):
        text += "\n"
    target.write_text(text + f"# imported from {opml.name}\n" + block, encoding="utf-8")
    after = load_feeds(target, policy)
    if len(after.feeds) != len(existing) + len(new):
        print(f"warning: {target} now has {len(after.feeds)} feeds, expected "
              f"{len(existing) + len(new)}", file=sys.stderr)
    return 0


def _feeds_item_indent(text: str) -> int | None:
    """Column of the dashes of the ``feeds`` list, if it is the file's last key (else None)."""
    import yaml

    from newswatch import yaml_files

    try:
        root = yaml_files.compose(text)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode) or not root.value:
        return None
    key, value = root.value[-1]
    if key.value != "feeds":
        return None
    if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
        return 2  # `feeds:` with nothing under it yet
    if not isinstance(value, yaml.SequenceNode) or value.flow_style:
        return None
    return value.value[0].start_mark.column - 2 if value.value else 2
