"""`make demo`'s command: every part reaches its goal and writes its pictures."""

from twingrad.__main__ import main


def test_the_demo_runs_every_part_and_writes_its_outputs(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "Training accuracy: 100%" in printed
    assert printed.count("engines AGREE") == 2
    assert "missed their goal" not in printed
    written = sorted(p.name for p in tmp_path.iterdir())
    for name in ["expression.svg", "mlp_loss.svg", "mnist1d_loss.png"]:
        assert name in written
    assert (tmp_path / "expression.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


def test_bench_lists_the_benchmarks_of_the_checkout(capfd):
    assert main(["bench", "--list"]) == 0
    listed = capfd.readouterr().out.split()  # benchmarks.run prints from subprocesses
    assert "scalar:moons-step" in listed and "tensor:matmul-1024" in listed
