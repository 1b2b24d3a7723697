"""Reading a YAML document someone else may have written, within limits.

PyYAML's `safe_load` builds only plain values, but an alias repeats what its anchor names:
nine levels of nine aliases (the "billion laughs") is a few hundred bytes that become 387
million strings once anything walks it, and an anchor may even contain itself. So the file's
size is checked before parsing, and the parsed node graph (where each alias is one shared
node) is measured before a single value is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_VALUES = 100_000
_IN_PROGRESS = -1


class YamlRefused(ValueError):
    """The document is beyond a limit; the message says which and by how much."""


def read(path: Path) -> Any:
    """`yaml.safe_load` of the file, refused with YamlRefused beyond the limits above.

    OSError, UnicodeDecodeError and yaml.YAMLError mean what they always do. No more than
    `MAX_BYTES` (and one) are ever read.
    """
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlRefused(f"is larger than {MAX_BYTES:,} bytes, the most a schedules file may be")
    return load(data.decode("utf-8"))


def load(text: str) -> Any:
    """`yaml.safe_load(text)`, with the alias limits checked before anything is built."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: Node) -> None:
    """Count the values the document would expand to, and its aliases, without expanding it:
    each node's size is computed once and reused wherever an alias shares it."""
    sizes: dict[int, int] = {}
    aliases = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_VALUES:
                raise YamlRefused(
                    f"expands to more than {MAX_VALUES:,} values through its aliases "
                    "(*name repeats what &name marks); refusing it"
                )
            sizes[key] = size
            continue
        if key in sizes:
            if sizes[key] == _IN_PROGRESS:
                raise YamlRefused("has an alias inside the value it names (a loop); refusing it")
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YamlRefused(f"has more than {MAX_ALIASES} aliases; refusing it")
            continue
        sizes[key] = _IN_PROGRESS
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
