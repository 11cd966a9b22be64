"""The bridge's replays: how many rules both engines share, and what the README says."""

import re
from pathlib import Path

from twingrad.bridge.replay import REPLAYS, coverage, elementwise
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
