"""YAML read with limits: a mapping file is small, shallow and has few repeated parts.

PyYAML's safe loader builds aliases by reference, so a "billion laughs" document (nested aliases,
1 KB) loads quickly but explodes as soon as anything walks it (4.7 GB and 90 s were measured).
Here the document is first composed into its node graph, whose *expanded* size (aliases counted
every time they are used) and depth are measured with memoisation, and refused above the limits
before anything is built.
"""

from __future__ import annotations

import yaml

MAX_BYTES = 512 * 1024  # a real mapping file is a few KB
MAX_NODES = 50_000  # expanded node count, aliases counted at every use
MAX_DEPTH = 32


class YamlTooComplex(ValueError):
    """The document exceeds a limit; ``what`` is "size", "nodes" or "depth"."""

    def __init__(self, what: str, value: int, limit: int) -> None:
        super().__init__(f"{what} {value} > {limit}")
        self.what, self.value, self.limit = what, value, limit


def _measure(root: yaml.Node) -> tuple[int, int]:
    """Expanded node count and depth of a composed graph (memoised per node object)."""
    memo: dict[int, tuple[int, int]] = {}

    def walk(node: yaml.Node, stack: int) -> tuple[int, int]:
        if stack > MAX_DEPTH:
            raise YamlTooComplex("depth", stack, MAX_DEPTH)
        key = id(node)
        if key in memo:
            return memo[key]
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        count, depth = 1, 1
        for child in children:
            c, d = walk(child, stack + 1)
            count += c
            depth = max(depth, d + 1)
            if count > MAX_NODES:
                raise YamlTooComplex("nodes", count, MAX_NODES)
        memo[key] = (count, depth)
        return count, depth

    return walk(root, 1)


def safe_load_limited(text: str | bytes):
    """``yaml.safe_load`` that refuses documents over MAX_BYTES, MAX_NODES (expanded) or
    MAX_DEPTH with ``YamlTooComplex``; YAML syntax errors raise ``yaml.YAMLError`` as usual."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise YamlTooComplex("size", size, MAX_BYTES)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _measure(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()
