"""What a derivative rule is, how the table's rows are declared, and the one registry.

A row names its op, then gives one entry per argument, by keyword:

- an elementwise op its local derivative ``d``: a number when the derivative *is* that
  constant (``d={"a": 1, "b": 1}`` for ``a + b``), the name of an argument or ``"out"``
  when it *is* that value (``d={"a": "b", "b": "a"}`` for ``a * b``, ``d={"x": "out"}``
  for ``exp``), otherwise a function ``f(out, *args, **params)``; ``None`` for no gradient;
- an op given by vector-Jacobian products its ``grad``: ``f(grad, out, *args, **params)``
  per argument, the gradient of that argument from the gradient of the output.

``text`` and ``tex`` give each derivative in words and in LaTeX; a derivative that is a
constant, an argument or the output says so itself, so only the others are written out.
An elementwise text is a formula SymPy reads (``^`` for powers): the tests prove it right.
``saves`` names what the backward reads (arguments and ``"out"``); it follows from ``d``
when every derivative is such a fact. ``samples`` are the points the table-driven test runs
every rule at (forward against PyTorch, vjps against finite differences, the bridge).

The engines read views derived from these, once per rule: ``args``, ``derivatives``,
``vjps``, ``constant_derivatives``, ``argument_derivatives``, ``derivative_text``...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

OUT = "out"  # the name a derivative uses for the op's own output


@dataclass(frozen=True)
class Sample:
    """One point to run a rule at: its inputs in argument order and its parameters."""

    inputs: tuple
    params: Mapping[str, Any]


def sample(*inputs: Any, **params: Any) -> Sample:
    """A point of the table-driven test: ``sample([0.5, -2.0], c=3)`` is x = [0.5, -2] with
    the parameter c = 3. Lists become float64 arrays (int lists: index arrays) in the test.

    >>> sample([0.5, -2.0], c=3)
    Sample(inputs=([0.5, -2.0],), params={'c': 3})
    """
    return Sample(inputs, params)


def normal(*shape: int, seed: int = 0) -> np.ndarray:
    """A fixed array of standard-normal numbers: sample inputs without ties or kinks.

    >>> normal(2, 3).shape, bool((normal(2, 3) == normal(2, 3)).all())
    ((2, 3), True)
    """
    return np.random.default_rng(seed).standard_normal(shape)


def _constant(value):
    """A constant local derivative as a function, for code that calls every derivative."""
    return lambda *_, **__: value


def _argument(index: int):
    """A local derivative that is one of the arguments, as a function of (out, *args)."""
    return lambda out, *args, **params: args[index]


def _output(out, *args, **params):
    """A local derivative that is the op's output (d(exp(x))/dx = exp(x))."""
    return out


def _is_constant(d: Any) -> bool:
    return isinstance(d, int | float) and not isinstance(d, bool)


def _is_fact(d: Any) -> bool:
    """Whether a declared derivative is a fact (a constant, a name, or no gradient)."""
    return d is None or isinstance(d, str) or _is_constant(d)


@dataclass(frozen=True, eq=False)  # a rule is itself: compared and hashed by identity
class Rule:
    """One primitive op: its forward and, for each argument, its derivative.

    Give ``d`` (local derivatives, for an elementwise op) or ``grad`` (vjps); see the
    module docstring for what an entry may be.

    >>> from twingrad.rules import RULES
    >>> RULES["mul"].formula(0), RULES["mul"].args, RULES["mul"].saves
    ('d(a * b)/da = b', ('a', 'b'), ('a', 'b'))
    """

    name: str
    expr: str  # how the op reads with its argument names, e.g. "a * b"
    latex: str  # the same in LaTeX, e.g. r"a \cdot b"
    forward: Callable
    d: Mapping[str, Any] | None = None
    grad: Mapping[str, Callable | None] | None = None
    text: Mapping[str, str] = field(default_factory=dict)
    tex: Mapping[str, str] = field(default_factory=dict)
    # what the backward reads; None: everything (a rule built outside the table)
    saves: tuple[str, ...] | None = None
    samples: tuple[Sample, ...] = field(default=(), repr=False)
    rational: bool = True  # exact on Fractions (+ - * /, integer powers, relu, abs, ...)
    params: tuple[str, ...] = ()  # keyword parameters, e.g. ("c",) for x ** c
    variadic: bool = False  # any number of arguments, all with the one entry given

    def __post_init__(self) -> None:
        if (self.d is None) == (self.grad is None):
            raise ValueError(f"rule {self.name!r}: give local derivatives d or vjps grad")
        facts = [] if self.d is None else [d for d in self.d.values() if isinstance(d, str)]
        if set(facts) - {*self.args, OUT}:
            raise ValueError(f"rule {self.name!r}: d names no argument {sorted(set(facts))}")
        if self.saves is None and self.d is not None and all(map(_is_fact, self.d.values())):
            # what the backward reads follows from facts: the arguments and output they name
            object.__setattr__(self, "saves", tuple(a for a in (*self.args, OUT) if a in facts))
        for arg in self.args:
            if (arg not in self.text or arg not in self.tex) and self._fact(arg) is None:
                raise ValueError(f"rule {self.name!r}: {arg} needs a text and a tex formula")
        if set(self.saves or ()) - {*self.args, OUT}:
            raise ValueError(f"rule {self.name!r}: saves names no argument {self.saves}")

    def _fact(self, arg: str) -> tuple[str, str] | None:
        """(text, LaTeX) of a derivative that is a constant, an argument or the output."""
        d = None if self.d is None else self.d[arg]
        if _is_constant(d):
            return str(d), str(d)
        if d == OUT:
            return self.expr, self.latex
        if isinstance(d, str):
            return d, d
        return None

    # -- derived views the engines read (computed once per rule) ---------------------------

    @cached_property
    def args(self) -> tuple[str, ...]:
        """The argument names, in order (one for a variadic rule: ``x_i``)."""
        return tuple(self.d if self.d is not None else self.grad)

    @cached_property
    def elementwise(self) -> bool:
        """True for a rule given by local derivatives, False for one given by vjps.

        >>> from twingrad.rules import RULES
        >>> RULES["mul"].elementwise, RULES["sum"].elementwise
        (True, False)
        """
        return self.d is not None

    @cached_property
    def derivatives(self) -> tuple[Callable | None, ...] | None:
        """Each argument's local derivative as a function ``f(out, *args, **params)``."""
        if self.d is None:
            return None
        out = []
        for d in self.d.values():
            if _is_constant(d):
                d = _constant(d)
            elif d == OUT:
                d = _output
            elif isinstance(d, str):
                d = _argument(self.args.index(d))
            out.append(d)
        return tuple(out)

    @cached_property
    def vjps(self) -> tuple[Callable | None, ...] | None:
        """Each argument's vjp ``f(grad, out, *args, **params)``, for a rule given by vjps."""
        return None if self.grad is None else tuple(self.grad.values())

    @cached_property
    def constant_derivatives(self) -> tuple:
        """Per argument the constant local derivative, when every argument has one (the
        engines then add the gradient on instead of calling); else ``()``.

        >>> from twingrad.rules import RULES
        >>> RULES["sub"].constant_derivatives, RULES["mul"].constant_derivatives
        ((1, -1), ())
        """
        if self.d is None or not all(_is_constant(d) for d in self.d.values()):
            return ()
        return tuple(self.d.values())

    @cached_property
    def argument_derivatives(self) -> tuple:
        """Per argument the index of the argument whose value is its local derivative, when
        every argument has one (d(a*b)/da is b: index 1); else ``()``.

        >>> from twingrad.rules import RULES
        >>> RULES["mul"].argument_derivatives
        (1, 0)
        """
        picks = [] if self.d is None else list(self.d.values())
        if not picks or not all(isinstance(d, str) and d in self.args for d in picks):
            return ()
        return tuple(self.args.index(d) for d in picks)

    @cached_property
    def derivative_text(self) -> tuple[str, ...]:
        """Each argument's derivative in words, in argument order."""
        return tuple(self._words(arg, 0) for arg in self.args)

    @cached_property
    def derivative_latex(self) -> tuple[str, ...]:
        """Each argument's derivative in LaTeX, in argument order."""
        return tuple(self._words(arg, 1) for arg in self.args)

    def _words(self, arg: str, which: int) -> str:
        given = (self.text, self.tex)[which]
        return given[arg] if arg in given else self._fact(arg)[which]

    @cached_property
    def saves_inputs(self) -> bool:
        """Whether the backward reads the value of any input (a change in place is refused)."""
        return self.saves is None or any(s != OUT for s in self.saves)

    @cached_property
    def saves_output(self) -> bool:
        """Whether the backward reads the op's output."""
        return self.saves is None or OUT in self.saves

    # -- using a rule ------------------------------------------------------------------------

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
    if rule.saves is None:
        raise ValueError(f"rule {rule.name!r}: say what its backward reads (saves=...)")
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


def elementwise(
    name: str,
    *,
    expr: str,
    latex: str,
    forward: Callable,
    d: Mapping[str, Any],
    text: Mapping[str, str] | None = None,
    tex: Mapping[str, str] | None = None,
    saves: Sequence[str] | None = None,
    samples: Sequence[Sample] = (),
    rational: bool = True,
    params: Sequence[str] = (),
    variadic: bool = False,
) -> Rule:
    """Register an elementwise rule: one local derivative per argument in ``d``.

    >>> from twingrad.rules import RULES
    >>> cube = elementwise("cube_example", expr="x ** 3", latex="x^3", forward=lambda x: x**3,
    ...                    d={"x": lambda out, x: 3 * x**2}, text={"x": "3*x^2"},
    ...                    tex={"x": "3x^2"}, saves=("x",))
    >>> cube.vjp(0, 1.0, 8.0, (2.0,)), RULES.pop("cube_example").formula(0)
    (12.0, 'd(x ** 3)/dx = 3*x^2')
    """
    return register(
        Rule(
            name,
            expr,
            latex,
            forward,
            d=dict(d),
            text=dict(text or {}),
            tex=dict(tex or {}),
            saves=None if saves is None else tuple(saves),
            samples=tuple(samples),
            rational=rational,
            params=tuple(params),
            variadic=variadic,
        )
    )


def structural(
    name: str,
    *,
    expr: str,
    latex: str,
    forward: Callable,
    grad: Mapping[str, Callable | None],
    text: Mapping[str, str],
    tex: Mapping[str, str],
    saves: Sequence[str],
    samples: Sequence[Sample] = (),
    rational: bool = True,
    params: Sequence[str] = (),
    variadic: bool = False,
) -> Rule:
    """Register a rule given by vjps: per argument, its gradient from the output's.

    >>> import numpy as np
    >>> from twingrad.rules import RULES
    >>> flip = structural("flip_example", expr="flip(x)", latex="x^R", forward=lambda x: x[::-1],
    ...                   grad={"x": lambda grad, out, x: grad[::-1]},
    ...                   text={"x": "grad_x = flip(grad_out)"}, tex={"x": "R"}, saves=())
    >>> flip.vjp(0, np.arange(3), None, (None,)).tolist(), RULES.pop("flip_example").name
    ([2, 1, 0], 'flip_example')
    """
    return register(
        Rule(
            name,
            expr,
            latex,
            forward,
            grad=dict(grad),
            text=dict(text),
            tex=dict(tex),
            saves=tuple(saves),
            samples=tuple(samples),
            rational=rational,
            params=tuple(params),
            variadic=variadic,
        )
    )
