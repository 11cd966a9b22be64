"""DOT text, the language Graphviz reads: a small builder that writes it deterministically.

Nodes and edges come out in the order they were added and attributes in the order they
were given, so the same graph always gives the same text (and the same picture). Labels are
Graphviz's HTML-like labels: tables with bold titles and monospace previews.

>>> dot = Dot(rankdir="LR")
>>> dot.node("n0", "a", fillcolor="white")
>>> dot.edge("n0", "n1", label="a")
>>> print(dot.source(), end="")
digraph twingrad {
  graph [rankdir="LR", fontname="Helvetica", fontsize="11"];
  node [shape="plaintext", fontname="Helvetica", fontsize="11"];
  edge [fontname="Helvetica", fontsize="10", color="#555555"];
  n0 [label="a", fillcolor="white"];
  n0 -> n1 [label="a"];
}
"""

from __future__ import annotations

from dataclasses import dataclass, field

FONT = "Helvetica"


def quote(text: object) -> str:
    """``text`` as a DOT double-quoted string.

    >>> print(quote('say "hi"'))
    "say \\"hi\\""
    """
    text = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def escape(text: object) -> str:
    """``text`` made safe inside an HTML-like label.

    >>> escape("a < b & c")
    'a &lt; b &amp; c'
    """
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def bold(text: object) -> str:
    """``text`` in bold, escaped for a Graphviz HTML label.

    >>> bold("a < b")
    '<b>a &lt; b</b>'
    """
    return f"<b>{escape(text)}</b>"


def mono(text: object) -> str:
    """``text`` in a monospace font, escaped for a Graphviz HTML label.

    >>> mono("x")
    '<font face="Courier">x</font>'
    """
    return f'<font face="Courier">{escape(text)}</font>'


def grey(text: object) -> str:
    """``text`` in grey, escaped for a Graphviz HTML label.

    >>> grey("grad")
    '<font color="#777777">grad</font>'
    """
    return f'<font color="#777777">{escape(text)}</font>'


def html_table(rows: list[list[str]], fill: str | None = None) -> str:
    """An HTML-like label: one table row per entry of ``rows``, each a list of cells.

    Cells are HTML fragments (build them with `escape`, `bold`, `mono`); a row with fewer
    cells than the widest row spans its last cell across the rest. ``fill`` colours the
    first cell of the first row (the node's title).

    >>> html_table([[bold("x")], ["2.0", "1.0"]]).split('cellpadding="4">')[1]
    '<tr><td colspan="2"><b>x</b></td></tr><tr><td>2.0</td><td>1.0</td></tr></table>'
    """
    width = max(len(row) for row in rows)
    out = ['<table border="0" cellborder="1" cellspacing="0" cellpadding="4">']
    for r, row in enumerate(rows):
        out.append("<tr>")
        for c, cell in enumerate(row):
            attrs = ""
            if c == len(row) - 1 and len(row) < width:
                attrs += f' colspan="{width - len(row) + 1}"'
            if fill and r == 0 and c == 0:
                attrs += f' bgcolor="{fill}"'
            out.append(f"<td{attrs}>{cell}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _attrs(attrs: dict) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in attrs.items() if value is not None)


def _label(label: str) -> str:
    """An HTML-like label (a fragment that starts with a tag) in ``<...>``, else quoted."""
    return f"<{label}>" if label.startswith("<") else quote(label)


@dataclass
class _Cluster:
    name: str
    label: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Dot:
    """A directed graph in DOT: nodes, edges and clusters, written in insertion order."""

    rankdir: str = "LR"
    title: str = ""
    items: list = field(default_factory=list)  # node and edge lines, and clusters
    node_count: int = 0
    clusters: dict = field(default_factory=dict)

    def node(
        self, node_id: str, label: str, cluster: str | None = None, **attrs: str | float | None
    ) -> None:
        """A node. ``label`` is plain text, or an HTML-like label such as `html_table`
        gives; ``cluster`` names a group made with `cluster` to draw the node inside.

        >>> d = Dot()
        >>> d.node("n0", "<b>x</b>", fillcolor="white")
        >>> d.items[-1]
        '  n0 [label=<<b>x</b>>, fillcolor="white"];'
        """
        rest = _attrs(attrs)
        line = f"  {node_id} [label={_label(label)}" + (f", {rest}];" if rest else "];")
        target = self.items if cluster is None else self.clusters[cluster].lines
        target.append(line)
        self.node_count += 1

    def edge(self, tail: str, head: str, **attrs: str | float | None) -> None:
        """An edge from node ``tail`` to node ``head``, with Graphviz attributes.

        >>> d = Dot()
        >>> d.edge("n1", "n2", color="red")
        >>> d.items[-1]
        '  n1 -> n2 [color="red"];'
        """
        rest = _attrs(attrs)
        self.items.append(f"  {tail} -> {head}" + (f" [{rest}];" if rest else ";"))

    def cluster(self, name: str, label: str) -> None:
        """A boxed group of nodes (a Graphviz cluster); put nodes in it with ``cluster=``.

        >>> d = Dot(); d.cluster("layer0", "Linear"); d.node("n0", "w", cluster="layer0")
        >>> [line for line in d.source().splitlines() if "cluster" in line or "n0" in line]
        ['  subgraph cluster_layer0 {', '    n0 [label="w"];']
        """
        group = _Cluster(name, label)
        self.items.append(group)
        self.clusters[name] = group

    def source(self) -> str:
        """The DOT text.

        >>> print(Dot(title="f").source().splitlines()[1][9:])
        rankdir="LR", fontname="Helvetica", fontsize="11", label="f", labelloc="t", labeljust="l"];
        """
        graph_attrs = {"rankdir": self.rankdir, "fontname": FONT, "fontsize": "11"}
        if self.title:
            graph_attrs.update(label=self.title, labelloc="t", labeljust="l")
        out = [
            "digraph twingrad {",
            f"  graph [{_attrs(graph_attrs)}];",
            f'  node [shape="plaintext", fontname="{FONT}", fontsize="11"];',
            f'  edge [fontname="{FONT}", fontsize="10", color="#555555"];',
        ]
        for item in self.items:
            if isinstance(item, _Cluster):
                style = {"label": item.label, "style": "rounded,filled"}
                style.update(fillcolor="#f4f6f8", color="#90a4ae")
                out.append(f"  subgraph cluster_{item.name} {{")
                out.append(f"    graph [{_attrs(style)}];")
                out.extend("  " + line for line in item.lines)
                out.append("  }")
            else:
                out.append(item)
        out.append("}")
        return "\n".join(out) + "\n"
