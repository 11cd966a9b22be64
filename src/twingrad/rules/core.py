"""What a derivative rule is, and the one registry that holds them all."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One primitive op: its forward and the derivative with respect to each argument.

    An elementwise rule gives each argument's *local derivative* ``d(out)/d(arg)`` as a
    function ``f(out, *args, **params)``; the engines multiply it by the upstream gradient.
    A structural rule (reductions, reshapes, matmul...) gives each argument's
    vector-Jacobian product ``f(grad, out, *args, **params)`` directly. ``None`` in
    either tuple means "this argument has no gradient" (an index, a condition).

    >>> from twingrad.rules import RULES
    >>> RULES["mul"].formula(0)
    'd(a * b)/da = b'
    """

    name: str
    expr: str  # how the op reads with its argument names, e.g. "a * b"
    latex: str  # the same in LaTeX, e.g. r"a \cdot b"
    args: tuple[str, ...]
    forward: Callable
    derivatives: tuple[Callable | None, ...] | None = None
    vjps: tuple[Callable | None, ...] | None = None
    derivative_text: tuple[str, ...] = ()
    derivative_latex: tuple[str, ...] = ()
    rational: bool = True  # exact on Fractions (+ - * /, integer powers, relu, abs, ...)
    params: tuple[str, ...] = field(default=())  # keyword parameters, e.g. ("c",) for x ** c
    variadic: bool = False  # any number of arguments, all with the one derivative given
    # per argument, the local derivative when it is a constant number (1 for a + b), else
    # None: the engines then add the gradient on instead of calling the derivative
    constant_derivatives: tuple = ()
    # per argument, the index of the argument whose value is its local derivative (d(a*b)/da
    # is b: index 1), else None; the scalar engine reads that value instead of calling
    argument_derivatives: tuple = ()

    @property
    def elementwise(self) -> bool:
        """True for a rule given by local derivatives, False for one given by vjps.

        >>> from twingrad.rules import RULES
        >>> RULES["mul"].elementwise, RULES["sum"].elementwise
        (True, False)
        """
        return self.derivatives is not None

    def vjp(
        self,
        i: int,
        grad: Any,
        out: Any,
        args: Sequence[Any],
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """The gradient flowing into argument ``i``, given the gradient of the output.

        ``None`` when argument ``i`` has no gradient. The same call serves floats, Fractions,
        arrays, Values and Tensors.

        >>> from twingrad.rules import RULES
        >>> RULES["mul"].vjp(0, 2.0, 12.0, (3.0, 4.0))  # 2 * d(a * b)/da = 2 * b
        8.0
        """
        params = params or {}
        if self.variadic and self.vjps is not None:
            # one vjp serves every argument of a structural variadic rule (cat), so it is
            # told which argument it is computing: ``f(grad, out, *args, which=i, **params)``
            return self.vjps[0](grad, out, *args, which=i, **params)
        if self.variadic:
            return grad * self.derivatives[0](out, args[i], **params)
        if self.derivatives is not None:
            d = self.derivatives[i]
            return None if d is None else grad * d(out, *args, **params)
        v = self.vjps[i]
        return None if v is None else v(grad, out, *args, **params)

    def formula(self, i: int) -> str:
        """The local derivative of argument ``i`` as text.

        >>> from twingrad.rules import RULES
        >>> RULES["div"].formula(1)
        'd(a / b)/db = -a/b^2'
        """
        i = 0 if self.variadic else i
        return f"d({self.expr})/d{self.args[i]} = {self.derivative_text[i]}"

    def formula_latex(self, i: int) -> str:
        r"""The local derivative of argument ``i`` in LaTeX.

        >>> from twingrad.rules import RULES
        >>> print(RULES["mul"].formula_latex(0))
        \frac{\partial (a \cdot b)}{\partial a} = b
        """
        i = 0 if self.variadic else i
        return (
            rf"\frac{{\partial ({self.latex})}}{{\partial {self.args[i]}}} = "
            f"{self.derivative_latex[i]}"
        )


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule to the table; each op is written exactly once.

    >>> register(RULES["mul"])
    Traceback (most recent call last):
    ValueError: a rule for 'mul' is already in the table
    """
    if rule.name in RULES:
        raise ValueError(f"a rule for {rule.name!r} is already in the table")
    n = len(rule.args)
    for part in (rule.derivatives, rule.vjps):
        if part is not None and len(part) != n:
            raise ValueError(f"rule {rule.name!r}: {len(part)} derivatives for {n} arguments")
    if (rule.derivatives is None) == (rule.vjps is None):
        raise ValueError(f"rule {rule.name!r}: give local derivatives or vjps, not both")
    if len(rule.derivative_text) != n or len(rule.derivative_latex) != n:
        raise ValueError(f"rule {rule.name!r}: each argument needs a formula in text and LaTeX")
    RULES[rule.name] = rule
    return rule


def lookup(name: str) -> Rule:
    """The rule for op ``name``, or a KeyError that names the op.

    >>> lookup("exp").formula(0)
    'd(exp(x))/dx = exp(x)'
    >>> lookup("expp")
    Traceback (most recent call last):
    KeyError: "no derivative rule for op 'expp' in twingrad.rules"
    """
    try:
        return RULES[name]
    except KeyError:
        raise KeyError(f"no derivative rule for op {name!r} in twingrad.rules") from None
