"""``python -m twingrad draw``: a formula's value, gradients and picture from the shell."""

from __future__ import annotations

import subprocess
import sys

import pytest

from twingrad.__main__ import main


def test_draw_prints_the_value_and_each_gradient_and_writes_the_picture(tmp_path, capsys):
    path = tmp_path / "neuron.svg"
    assert main(["draw", "tanh(x*w + b)", "x=2", "w=-3", "b=6.88", "-o", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "tanh(x*w + b) = 0.7064193203972353"
    d = 1 - 0.7064193203972353**2  # tanh' at x*w + b = 0.88
    grads = dict(line.strip().split(" = ") for line in lines[1:4])
    assert float(grads["d/dx"]) == pytest.approx(d * -3, rel=1e-14)
    assert float(grads["d/dw"]) == pytest.approx(d * 2, rel=1e-14)
    assert float(grads["d/db"]) == pytest.approx(d, rel=1e-14)
    assert lines[4] == f"drawing: {path}"
    svg = path.read_text()
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "tanh(x)" in svg


def test_exact_values_the_backward_view_and_dot_on_stdout(capsys):
    args = ["draw", "a*b + a", "a=1/3", "b=2", "--exact", "-o", "-"]
    assert main([*args, "--view", "backward"]) == 0
    out = capsys.readouterr().out
    assert "a*b + a = 1\n  d/da = 3\n  d/db = 1/3\n" in out
    assert "digraph" in out and "MulBackward" in out


def test_walkthrough_prints_the_chain_rule_step_by_step(tmp_path, capsys):
    assert main(["draw", "x*x", "x=3", "--walkthrough", "-o", str(tmp_path / "g.dot")]) == 0
    out = capsys.readouterr().out
    assert "d(a * b)/da = b" in out and "Gradients: x = 6.0000" in out
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


def test_inf_and_nan_are_numbers_unless_exact(capsys):
    assert main(["draw", "x + y", "x=inf", "y=nan", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("x + y = nan")
    with pytest.raises(SystemExit) as exit_:
        main(["draw", "x", "x=inf", "--exact"])
    assert exit_.value.code == 2
    assert "x=inf: not a rational number" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x * y", "x=1"], "y is used in the formula but has no value"),
        (["x", "x=two"], "x=two: not a number"),
        (["x", "x"], "give each value as NAME=NUMBER"),
        (["x", "2x=1"], "give each value as NAME=NUMBER"),
        (["open(x)", "x=1"], "open() is not a function formulas know"),
        (["x", "x=1", "x=2"], "x is given two values (x=1.0, x=2)"),
        (["1/x", "x=0", "--exact"], "division by zero in exact (Fraction) arithmetic"),
        (["x", "x=1", "-o", "/no/such/folder/g.svg"], "cannot write /no/such/folder/g.svg"),
    ],
)
def test_mistakes_exit_with_a_message_not_a_traceback(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["draw", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"twingrad draw: {message}") and "Traceback" not in err


def test_a_formula_that_starts_with_minus_goes_after_double_dash(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["draw", "-x*y", "x=1", "y=2"])
    assert exit_.value.code == 2
    assert 'goes after --, options before it: draw -o g.svg -- "-x*y"' in capsys.readouterr().err
    assert main(["draw", "-o", "-", "--", "-x*y", "x=1", "y=2"]) == 0
    assert capsys.readouterr().out.startswith("-x*y = -2.0\n  d/dx = -2.0\n  d/dy = -1.0\n")


def test_python_dash_m_runs_it(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "twingrad", "draw", "x**2", "x=3", "-o", str(tmp_path / "g.svg")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.splitlines()[:2] == ["x**2 = 9.0", "  d/dx = 6.0"]
