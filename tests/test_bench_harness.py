"""The benchmark harness, run on trivial work with a clock the test controls."""

from __future__ import annotations

from benchmarks.harness import Benchmark, Contender, format_seconds, main, markdown_table, measure


class FakeClock:
    """A clock that only moves when the work being timed says so."""

    def __init__(self):
        self.now = 0.0
        self.calls = []

    def __call__(self) -> float:
        return self.now

    def work(self, name: str, seconds: float):
        def run(_state):
            self.calls.append(name)
            self.now += seconds

        return run


def _pair(clock: FakeClock, ours: float, reference: float, **kwargs) -> Benchmark:
    return Benchmark(
        kwargs.pop("name", "toy"),
        Contender("fast", clock.work("ours", ours)),
        Contender("slow", clock.work("reference", reference)),
        **kwargs,
    )


def test_medians_and_the_ratio_reference_over_ours():
    clock = FakeClock()
    # binary fractions, so that the clock adds them up exactly
    result = measure(_pair(clock, 0.125, 0.625, target=4.0), repeats=3, warmup=1, timer=clock)
    assert result.our_times == [0.125] * 3
    assert result.reference_times == [0.625] * 3
    assert result.our_median == 0.125 and result.reference_median == 0.625
    assert result.ratio == 5.0
    assert result.met is True


def test_runs_alternate_which_side_goes_first_after_the_warmup():
    clock = FakeClock()
    measure(_pair(clock, 1.0, 2.0), repeats=4, warmup=1, timer=clock)
    warmup, timed = clock.calls[:2], clock.calls[2:]
    assert warmup == ["ours", "reference"]
    assert timed == ["ours", "reference", "reference", "ours"] * 2


def test_in_a_loop_a_run_is_the_mean_of_iterations_after_an_untimed_one():
    clock = FakeClock()
    result = measure(_pair(clock, 1.0, 2.0, loop=3), repeats=2, warmup=0, timer=clock)
    assert clock.calls == ["ours"] * 4 + ["reference"] * 8 + ["ours"] * 4
    assert result.our_times == [1.0, 1.0] and result.reference_times == [2.0, 2.0]


def test_the_table_has_one_row_per_benchmark_and_says_whether_the_target_was_met():
    clock = FakeClock()
    results = [
        measure(_pair(clock, 0.001, 0.030, name="quick", target=20.0), repeats=1, timer=clock),
        measure(_pair(clock, 0.5, 0.25, name="slower", target=1.0), repeats=1, timer=clock),
        measure(
            _pair(clock, 2.0, 3.0, name="untargeted", stats=lambda r: {"nodes": 12}),
            repeats=1,
            timer=clock,
        ),
    ]
    lines = markdown_table(results).splitlines()
    assert lines[0] == "| benchmark | ours | reference | ratio | target | met? |"
    assert lines[2] == "| quick | fast 1 ms | slow 30 ms | 30.0x | ≥ 20x | yes |"
    assert lines[3] == "| slower | fast 500 ms | slow 250 ms | 0.5x | ≥ 1x | no |"
    assert lines[4] == "| untargeted | fast 2 s | slow 3 s | 1.5x | — | — |"
    assert lines[6] == "- untargeted: nodes: 12"


def test_durations_keep_three_significant_digits():
    assert [format_seconds(s) for s in (1.5, 0.0123, 4.56e-6, 7e-9)] == [
        "1.5 s",
        "12.3 ms",
        "4.56 µs",
        "7 ns",
    ]


def test_main_prints_and_writes_the_table(tmp_path, capsys):
    def benchmarks():
        return [
            Benchmark(
                "tiny", Contender("a", lambda _: None), Contender("b", lambda _: sum(range(10)))
            )
        ]

    out = tmp_path / "toy.md"
    assert main("Toy", "toy", benchmarks, ["--repeats", "2", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text in capsys.readouterr().out
    assert text.startswith("# Toy\n")
    assert "median of 2 runs per side" in text
    assert "\n| tiny | a " in text


def test_cpu_time_benchmarks_say_which_clock_timed_them():
    bench = Benchmark(
        "cpu", Contender("a", lambda _: sum(range(100))), Contender("b", lambda _: None)
    )
    assert "clock" not in measure(bench, repeats=1, warmup=0).notes
    bench.cpu_time = True
    result = measure(bench, repeats=1, warmup=0)
    assert result.notes == {"clock": "CPU time of the benchmark's thread"}
    assert result.our_times[0] >= 0.0
