"""The bridge's replays: how many rules both engines share, and what the README says."""

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import twingrad.bridge.replay
import twingrad.rules
from twingrad.bridge.replay import REPLAYS, coverage, elementwise, replay_elementwise_rules
from twingrad.rules import RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def _bridge_claims() -> dict:
    text = " ".join(README.read_text().split())
    found = re.search(
        r"Of the table's (\d+) rules, (\d+) are shared.*? The other (\d+) have a hand-written "
        r"replay.*?; (\d+) of them are fused tensor-only rules \(([^)]*)\)",
        text,
    )
    assert found, "the README's bridge paragraph no longer states the replay counts"
    rules, shared, hand_written, fused, names = found.groups()
    return {
        "rules": int(rules),
        "shared": int(shared),
        "hand_written": int(hand_written),
        "fused": int(fused),
        "fused_names": sorted(n.strip() for n in names.split(",")),
    }


def test_the_readme_states_the_replay_counts():
    claims = _bridge_claims()
    counts = coverage()
    assert counts["missing"] == 0
    for key in ("rules", "shared", "hand_written", "fused"):
        assert claims[key] == counts[key], key
    assert claims["fused_names"] == sorted(n for n in RULES if REPLAYS[n].fused)


def test_a_shared_replay_builds_nodes_of_its_own_rule():
    # elementwise replays make one node of the rule per element; add_n is Value.sum
    shared = sorted(n for n in RULES if REPLAYS[n].shared)
    assert all(RULES[n].elementwise for n in shared)
    assert [n for n in shared if REPLAYS[n].build is not elementwise] == ["add_n"]
    # a hand-written replay is never the elementwise one
    assert not [n for n in RULES if not REPLAYS[n].shared and REPLAYS[n].build is elementwise]


def test_only_rules_given_by_vjps_are_fused():
    assert not [
        n for n in RULES if REPLAYS[n].fused and (REPLAYS[n].shared or RULES[n].elementwise)
    ]


def _rules_by_file() -> dict[str, set[str]]:
    """Each rules file's rules: the Rule objects it binds to a name."""
    from twingrad.rules.rule import Rule

    out = {}
    for m in pkgutil.iter_modules(twingrad.rules.__path__):
        module = importlib.import_module(f"twingrad.rules.{m.name}")
        out[m.name] = {v.name for v in vars(module).values() if isinstance(v, Rule)}
    return out


def _replays_by_file() -> dict[str, set[str]]:
    """Each replay file's rules: the names its ``replay(...)`` calls register, directly or
    through a ``for`` loop over a tuple of names."""
    out = {}
    for m in pkgutil.iter_modules(twingrad.bridge.replay.__path__):
        path = Path(twingrad.bridge.replay.__path__[0]) / f"{m.name}.py"
        tree = ast.parse(path.read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "replay":
                names |= {a.value for a in node.args if isinstance(a, ast.Constant)}
            if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):
                calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
                if any(getattr(c.func, "id", None) == "replay" for c in calls):
                    names |= {e.value for e in node.iter.elts if isinstance(e, ast.Constant)}
        out[m.name] = names
    return out


def test_the_replays_mirror_the_rule_files():
    rules, replays = _rules_by_file(), _replays_by_file()
    assert sorted(replays) == sorted(rules)
    for name in rules:
        assert replays[name] <= rules[name], name
        # what a file does not list is elementwise, replayed with the default bound
        unlisted = rules[name] - replays[name]
        assert all(RULES[n].elementwise and REPLAYS[n].shared for n in unlisted), name


def test_an_elementwise_rule_needs_no_entry_of_its_own():
    saved = REPLAYS.pop("softplus")
    try:
        assert replay_elementwise_rules(RULES) == ["softplus"]
        assert REPLAYS["softplus"].build is elementwise and REPLAYS["softplus"].ulps(None) == 8
    finally:
        REPLAYS["softplus"] = saved
