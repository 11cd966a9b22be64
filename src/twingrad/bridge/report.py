"""What `compare` returns: a `Report` with one `LeafReport` row per leaf (and one for the
forward output), printed as a text table in a terminal and as an HTML table in Jupyter.

>>> import twingrad
>>> from twingrad.bridge import compare
>>> x = twingrad.tensor([1, 2], dtype=twingrad.fraction, requires_grad=True)
>>> print(compare((x * x).sum(), names={x: "x"}))
engines AGREE: exact (Fraction), 5 scalar nodes
         shape  max |diff|  max rel  max ulps  exact ==
output  scalar           0        0         0       yes
x            2           0        0         0       yes
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass
class LeafReport:
    """How one leaf's gradient compares between the engines."""

    name: str
    shape: tuple
    max_abs: float
    max_rel: float
    max_ulps: float
    equal: bool  # every element exactly ==
    worst_index: tuple
    tensor_value: object  # the tensor engine's gradient at the worst element
    scalar_value: object  # the scalar replay's gradient there


@dataclass
class Report:
    """The result of `compare`: one row per leaf, plus the forward output."""

    rows: list
    exact: bool
    ulps_bound: float
    node_count: int

    @property
    def all_equal(self) -> bool:
        """Whether every row (the output and each leaf's gradient) is exactly equal.

        >>> import twingrad
        >>> from twingrad.bridge import compare
        >>> x = twingrad.tensor([1, 2], dtype=twingrad.fraction, requires_grad=True)
        >>> compare((x * x).sum()).all_equal
        True
        """
        return all(r.equal for r in self.rows)

    @property
    def max_ulps(self) -> float:
        """The largest difference of any row, in units in the last place (0 when all are equal).

        >>> import twingrad
        >>> from twingrad.bridge import compare
        >>> x = twingrad.tensor([0.5, 2.0], dtype=twingrad.float64, requires_grad=True)
        >>> compare((x * 3).sum()).max_ulps
        0.0
        """
        return max((r.max_ulps for r in self.rows), default=0.0)

    @property
    def agree(self) -> bool:
        """Equal (exact mode) or within the ulps bound (float).

        >>> import twingrad
        >>> from twingrad.bridge import compare
        >>> x = twingrad.tensor([0.5, 2.0], dtype=twingrad.float64, requires_grad=True)
        >>> compare((x * 3).sum()).agree
        True
        """
        return self.all_equal if self.exact else self.max_ulps <= self.ulps_bound

    def worst(self) -> LeafReport:
        """The row that disagrees most (the first row when all agree exactly).

        >>> import twingrad
        >>> from twingrad.bridge import compare
        >>> x = twingrad.tensor([1, 2], dtype=twingrad.fraction, requires_grad=True)
        >>> compare((x * x).sum(), names={x: "x"}).worst().name
        'output'
        """
        key = (lambda r: not r.equal) if self.exact else (lambda r: r.max_ulps)
        return max(self.rows, key=key)

    def _table(self) -> tuple[list, list]:
        head = ["", "shape", "max |diff|", "max rel", "max ulps", "exact =="]
        body = [
            [
                r.name,
                "x".join(map(str, r.shape)) or "scalar",
                f"{r.max_abs:.3g}",
                f"{r.max_rel:.3g}",
                f"{r.max_ulps:.3g}",
                "yes" if r.equal else "no",
            ]
            for r in self.rows
        ]
        return head, body

    def _summary(self) -> str:
        mode = "exact (Fraction)" if self.exact else f"float, bound {self.ulps_bound:g} ulps"
        verdict = "AGREE" if self.agree else "DISAGREE"
        return f"engines {verdict}: {mode}, {self.node_count} scalar nodes"

    def __str__(self) -> str:
        head, body = self._table()
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                           enumerate(zip(row, widths))) for row in [head, *body]]  # fmt: skip
        return "\n".join([self._summary(), *lines])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head, body = self._table()
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body
        )
        return (
            f"<p><b>{html.escape(self._summary())}</b></p>"
            f"<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"
        )
