"""Random tensor programs (hypothesis): the two engines agree on every one of them."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twingrad.bridge import check
from twingrad.bridge.fuzz import build

WORST = {"float64 ulps": 0.0, "graphs": 0}


@pytest.fixture(scope="module", autouse=True)
def report_worst():
    yield
    graphs, worst = WORST["graphs"], WORST["float64 ulps"]
    print(f"\nrandom graphs: {graphs}, worst float64 disagreement {worst:g} ulps")


def _program(data, exact):
    def pick(what, options):
        return data.draw(st.sampled_from(options), label=what)

    fn, shapes = build(pick, exact=exact)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="values seed"))
    return fn, [rng.standard_normal(s) for s in shapes]


@settings(max_examples=700, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_random_float64_graphs_agree_within_their_bound(data):
    fn, inputs = _program(data, exact=False)
    report = check(fn, *inputs)
    WORST["graphs"] += 1
    WORST["float64 ulps"] = max(WORST["float64 ulps"], report.max_ulps)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_random_exact_graphs_are_equal(data):
    fn, inputs = _program(data, exact=True)
    report = check(fn, *inputs, exact=True)
    WORST["graphs"] += 1
    assert report.all_equal
