"""A `Walkthrough` as a table: aligned text for a terminal, HTML and Markdown for Jupyter.

Value walkthroughs show the rule table's formula in LaTeX in Jupyter; Tensor walkthroughs
show the vectorized formula with the graph's names, and the shapes it multiplies.
"""

from __future__ import annotations

import html as _html
from typing import TYPE_CHECKING

from twingrad.visualize.labels import norm_text, number, op_text, preview, shape_text, short

if TYPE_CHECKING:
    from twingrad.visualize.naming import Namer
    from twingrad.visualize.walkthroughs import Step, Walkthrough

SCALAR_COLUMNS = {
    "#": "#",
    "node": "node",
    "op": "op",
    "to": "to",
    "local": "local derivative",
    "product": "upstream x local",
    "contribution": "contribution",
    "grad": "grad of to",
}
TENSOR_COLUMNS = {
    "#": "#",
    "node": "node",
    "op": "op",
    "to": "to",
    "formula": "vectorized formula",
    "shapes": "shapes",
    "grad": "grad of to",
}


def row(step: Step, namer: Namer) -> dict[str, str]:
    """The cells of one step, as text.

    >>> from twingrad import Value, walkthrough
    >>> a = Value(2.0, label="a"); walk = walkthrough(a * a)
    >>> row(walk.steps[0], walk.namer)["grad"]
    '0 + 2.0000 = 2.0000'
    """
    node, parent = step.node, step.parent
    cells = {
        "#": str(step.index),
        "node": namer.name(node),
        "op": op_text(node._op, node._params),
        "to": namer.name(parent),
    }
    if hasattr(node, "_data"):
        cells["node"] += f" {shape_text(node.shape)}"
        cells["to"] += f" {shape_text(parent.shape)}"
        cells["formula"] = step.formula
        cells["shapes"] = step.shapes + (f"; {step.broadcast}" if step.broadcast else "")
        cells["grad"] = ("= " if step.before is None else "+= ") + f"norm {norm_text(step.after)}"
        return cells
    before = "0" if step.before is None else number(step.before)
    cells["local"] = step.formula
    cells["product"] = f"{number(step.upstream)} x {number(step.local)}"
    cells["contribution"] = f"= {number(step.contribution)}"
    cells["grad"] = f"{before} + {number(step.contribution)} = {number(step.after)}"
    return cells


def _shown(walk) -> list:
    return walk.steps if walk.max_rows is None else walk.steps[: walk.max_rows]


def _more(walk) -> str:
    """A line saying how many rows were left out, or ''."""
    hidden = len(walk.steps) - len(_shown(walk))
    if not hidden:
        return ""
    return (
        f"... and {hidden:,} more steps (all {len(walk.steps):,} are in .steps; set "
        ".max_rows = None to show them all)"
    )


def _columns(walk) -> dict:
    return TENSOR_COLUMNS if walk.tensor else SCALAR_COLUMNS


def heading(walk: Walkthrough) -> str:
    """The line above a walkthrough's table: the root and the gradient it is seeded with.

    >>> from twingrad import Value, walkthrough
    >>> heading(walkthrough(Value(2.0, label="y") * 3))
    'Backward pass of n2, seeded with dn2/dn2 = 1'
    """
    name = walk.namer.name(walk.root)
    if walk.tensor:
        return (
            f"Backward pass of {name} {shape_text(walk.root.shape)}, seeded with "
            f"grad_out = {preview(walk.seed)}"
        )
    return f"Backward pass of {name}, seeded with d{name}/d{name} = {short(walk.seed)}"


def summary(walk: Walkthrough) -> str:
    """The line below a walkthrough's table: the gradient the pass gives each leaf.

    >>> from twingrad import Value, walkthrough
    >>> summary(walkthrough(Value(2.0, label="y") * 3))  # the constant 3 is a leaf too
    'Gradients: y = 3.0000, n1 = 2.0000'
    """
    parts = []
    for leaf in walk.leaves():
        g = walk.grad(leaf)
        if walk.tensor:
            parts.append(f"{walk.namer.name(leaf)} {shape_text(leaf.shape)} norm {norm_text(g)}")
        else:
            parts.append(f"{walk.namer.name(leaf)} = {number(g)}")
    return "Gradients: " + (", ".join(parts) if parts else "none (no leaf requires grad)")


def text(walk: Walkthrough) -> str:
    """Aligned columns, for a terminal.

    >>> from twingrad import Value, walkthrough
    >>> a = Value(2.0, label="a")
    >>> print(text(walkthrough(a * a)).splitlines()[2])
     1  n1    a * b  a   d(a * b)/da = b   1.0000 x 2.0000   = 2.0000      0 + 2.0000 = 2.0000
    """
    columns = _columns(walk)
    rows = [list(columns.values())] + [
        [row(step, walk.namer)[key] for key in columns] for step in _shown(walk)
    ]
    widths = [max(len(r[c]) for r in rows) for c in range(len(columns))]
    lines = [heading(walk)]
    for r in rows:
        cells = [r[0].rjust(widths[0])] + [cell.ljust(w) for cell, w in zip(r[1:], widths[1:])]
        lines.append(" " + "  ".join(cells).rstrip())
    if not walk.steps:
        lines.append(" (no steps: nothing in this graph needs a gradient)")
    if _more(walk):
        lines.append(" " + _more(walk))
    return "\n".join(lines) + "\n\n" + summary(walk)


def html(walk: Walkthrough) -> str:
    """An HTML table; Value formulas in LaTeX (MathJax typesets them in Jupyter).

    >>> from twingrad import Value, walkthrough
    >>> a = Value(2.0, label="a")
    >>> html(walkthrough(a * a))[:58]
    '<p><b>Backward pass of n1, seeded with dn1/dn1 = 1</b></p>'
    """
    columns = _columns(walk)
    out = [f"<p><b>{_html.escape(heading(walk))}</b></p>", "<table>", "<thead><tr>"]
    out += [f"<th>{_html.escape(title)}</th>" for title in columns.values()]
    out.append("</tr></thead><tbody>")
    for step in _shown(walk):
        cells = row(step, walk.namer)
        out.append("<tr>")
        for key in columns:
            if key == "local":
                out.append(f"<td>\\({_html.escape(step.formula_latex)}\\)</td>")
            elif key in ("formula", "shapes", "op"):
                out.append(f"<td><code>{_html.escape(cells[key])}</code></td>")
            else:
                out.append(f"<td>{_html.escape(cells[key])}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    if _more(walk):
        out.append(f"<p>{_html.escape(_more(walk))}</p>")
    out.append(f"<p>{_html.escape(summary(walk))}</p>")
    return "".join(out)


def markdown(walk: Walkthrough) -> str:
    r"""A Markdown table; Value formulas in LaTeX.

    >>> from twingrad import Value, walkthrough
    >>> a = Value(2.0, label="a")
    >>> line = markdown(walkthrough(a * a)).splitlines()[4]
    >>> print(line.split(" | ")[4])
    $\frac{\partial (a \cdot b)}{\partial a} = b$
    """
    columns = _columns(walk)
    lines = [f"**{_md(heading(walk))}**", ""]
    lines.append("| " + " | ".join(_md(t) for t in columns.values()) + " |")
    lines.append("|" + "---|" * len(columns))
    for step in _shown(walk):
        cells = row(step, walk.namer)
        shown = []
        for key in columns:
            if key == "local":
                shown.append(f"${step.formula_latex}$")
            elif key in ("formula", "shapes", "op"):
                shown.append(f"`{cells[key]}`".replace("|", "\\|"))
            else:
                shown.append(_md(cells[key]))
        lines.append("| " + " | ".join(shown) + " |")
    if _more(walk):
        lines += ["", _md(_more(walk))]
    lines += ["", _md(summary(walk))]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")
