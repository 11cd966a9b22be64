"""The README's Python examples run as written and print what the README says they print.

Every fenced ``python`` block of README.md runs, in order, in one namespace (as a reader
pasting them one after the other into one session would), in a temporary folder since some
write files. A comment after a ``print(...)`` call on the same line is the text that call
prints: all of it, or its first line when it prints several. Each block must also stand on
its own: every name it reads is defined in the block itself or is a builtin. The pages of
the documentation site (docs/*.md) are held to the same, each page in a namespace of its own.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(document: Path = README) -> list[tuple[int, str]]:
    """Each ``python`` block of ``document`` with the line its code starts on."""
    text = document.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in FENCE.finditer(text)]


def line_comments(source: str) -> dict[int, str]:
    """The text of the comment ending each line that has one, by line number."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}


def expected_print(statement: ast.stmt, comments: dict[int, str]) -> str | None:
    """What a ``print(...)  # text`` statement must print (its first line), else None."""
    is_print = (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id == "print"
    )
    return comments.get(statement.end_lineno) if is_print else None


def names_read_but_not_defined(source: str) -> set[str]:
    """Names a block reads that it neither assigns, imports, defines nor gets as builtins."""
    bound, read = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read - bound - set(dir(builtins))


BLOCKS = python_blocks()
PAGE_BLOCKS = [(page, *block) for page in PAGES for block in python_blocks(page)]


def run_in_order(blocks: list[tuple[int, str]], name: str) -> list[str]:
    """Run the blocks one statement at a time in one namespace; check the commented prints.

    Returns where each checked print is.
    """
    namespace: dict = {"__name__": "__readme__"}
    checked = []
    for start, code in blocks:
        comments = line_comments(code)
        for statement in ast.parse(code).body:
            where = f"{name} line {start + statement.lineno - 1}"
            compiled = compile(ast.Module([statement], type_ignores=[]), where, "exec")
            expected = expected_print(statement, comments)
            if expected is None:
                exec(compiled, namespace)
                continue
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compiled, namespace)
            first_line = printed.getvalue().splitlines()[0] if printed.getvalue() else ""
            assert first_line.rstrip() == expected, f"{where}: {ast.unparse(statement)}"
            checked.append(where)
    return checked


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 5
    assert sum(len(line_comments(code)) > 0 for _, code in BLOCKS) >= 3


@pytest.mark.parametrize("start, code", BLOCKS, ids=[f"line {s}" for s, _ in BLOCKS])
def test_each_block_defines_the_names_it_reads(start, code):
    assert names_read_but_not_defined(code) == set(), f"README.md line {start}"


def test_the_blocks_run_in_order_and_print_what_the_readme_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checked = run_in_order(BLOCKS, "README.md")
    assert len(checked) >= 4, checked


@pytest.mark.parametrize(
    "page, start, code", PAGE_BLOCKS, ids=[f"{p.name} line {s}" for p, s, _ in PAGE_BLOCKS]
)
def test_each_page_block_defines_the_names_it_reads(page, start, code):
    assert names_read_but_not_defined(code) == set(), f"docs/{page.name} line {start}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_each_page_runs_in_order_and_prints_what_it_says(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_in_order(python_blocks(page), f"docs/{page.name}")


def test_the_compatibility_page_lists_as_missing_only_what_is_missing():
    import twingrad

    text = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    rows = [line for line in text[text.index("## Not yet") :].splitlines() if line.startswith("|")]
    names = re.findall(r"`((?:torch|nn|optim)\.[A-Za-z_.]+)`", "\n".join(rows))
    assert len(names) >= 10, names
    present = []
    for name in names:
        obj = twingrad
        parts = name.split(".")[1:] if name.startswith("torch.") else name.split(".")
        try:
            for part in parts:
                obj = getattr(obj, part)
        except AttributeError:
            continue
        present.append(name)
    assert present == [], f"docs/compatibility.md says these are missing, but they exist: {present}"
