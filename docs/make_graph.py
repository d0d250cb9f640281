"""Draw the sample vault's link graph to docs/graph.png, coloured as the vault's own graph view colours it.

A development script, not part of vaultgen: it needs matplotlib, which vaultgen does not depend on.
From the repository's root:

    pip install matplotlib          # obsidiantools comes with `pip install -e '.[test]'`
    python docs/make_graph.py       # builds issues/ into a temporary vault, writes docs/graph.png

The graph is the one obsidiantools (and Obsidian) sees: one node per note, one edge per wikilink.
Index notes link to everything and would pull the picture into a hairball, so they are left out;
resource notes are drawn small and faint, behind the issues and entities they hang off.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's vaultgen, installed or not

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from obsidiantools.api import Vault  # noqa: E402

from vaultgen.pipeline import Options, build  # noqa: E402

BACKGROUND, EDGE, TEXT = "#1e1e1e", "#8a8a8a", "#e8e8e8"   # Obsidian's dark graph view
LEFT_OUT = {"index", "home"}
ENTITY_LABELS = 18   # the most-linked entities get a label; more would cover the picture


def shipped_colours() -> dict[str, str]:
    """Tag query → colour, from the graph.json colour groups vaultgen puts in every vault."""
    graph = json.loads((ROOT / "vault_template/.obsidian/graph.json").read_text(encoding="utf-8"))
    return {g["query"].removeprefix("tag:#"): f"#{g['color']['rgb']:06x}" for g in graph["colorGroups"]}


def group_of(meta: dict) -> str:
    """The colour group a note falls in, as Obsidian decides it: the first group whose tag it has."""
    kind = meta.get("type")
    if kind == "entity":
        return f"entity/{meta.get('kind', 'other')}"
    return {"issue": "newsletter", "newsletter": "newsletter", "resource": "resource"}.get(kind, "vaultgen/index")


def issue_label(meta: dict) -> str:
    """A short title and the date: the full titles are sentences."""
    title = str(meta.get("title", ""))
    title = title if len(title) <= 30 else title[:28].rsplit(" ", 1)[0].rstrip(",:;") + "…"
    return f"{title}\n{meta.get('newsletter', '')}{' · ' + str(meta['date']) if meta.get('date') else ''}"


def place_labels(ax, fig, labels) -> None:
    """Draw labels in order, each nudged up or down until it covers none drawn before (and no hub)."""
    renderer = fig.canvas.get_renderer()
    taken = []
    for x, y, text, style, keep_out in labels:
        for step in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
            artist = ax.text(x, y, text, **style)
            artist.set_y(y + step * 0.028)
            box = artist.get_window_extent(renderer).expanded(1.04, 1.1)
            if not any(box.overlaps(other) for other in taken):
                break
            artist.remove()
        else:
            artist = ax.text(x, y, text, **style)
            box = artist.get_window_extent(renderer)
        if step:  # a leader line from the node to a label that had to move
            ax.plot([x, x], [y, artist.get_position()[1]], color=TEXT, alpha=0.3, linewidth=0.5)
        taken.append(box)
        taken.extend(keep_out)


def draw(vault_dir: Path, out: Path) -> None:
    vault = Vault(vault_dir).connect()
    meta = {name: fm or {} for name, fm in vault.front_matter_index.items()}
    graph = nx.Graph(vault.graph.to_undirected())  # one edge per linked pair, either way
    graph.remove_nodes_from([n for n in list(graph) if meta.get(n, {}).get("type") in LEFT_OUT or n not in meta])
    graph.remove_nodes_from(list(nx.isolates(graph)))

    kinds = {n: meta[n].get("type") for n in graph}
    colours = shipped_colours()
    # Issues pinned on an ellipse, a newsletter's issues side by side, so each issue's entities gather
    # around it instead of every issue collapsing into the middle; the spring layout settles the rest
    # (a newsletter note lands between its issues, an entity two issues share between them).
    issues = sorted((n for n in graph if kinds[n] == "issue"),
                    key=lambda n: (meta[n].get("newsletter", ""), str(meta[n].get("date", "")), n))
    ring = {n: (math.cos(2 * math.pi * i / len(issues) + 0.4) * 1.45, math.sin(2 * math.pi * i / len(issues) + 0.4) * 0.9)
            for i, n in enumerate(issues)}
    pos = nx.spring_layout(graph, pos=ring, fixed=issues, k=1.4 / math.sqrt(graph.number_of_nodes()),
                           iterations=300, seed=7)
    hubs = issues + sorted(n for n in graph if kinds[n] == "newsletter")

    fig, ax = plt.subplots(figsize=(16, 10), dpi=100)
    fig.patch.set_facecolor(BACKGROUND)
    ax.set_facecolor(BACKGROUND)
    ax.axis("off")
    faint = [(u, v) for u, v in graph.edges if "resource" in (kinds[u], kinds[v])]
    solid = [(u, v) for u, v in graph.edges if "resource" not in (kinds[u], kinds[v])]
    nx.draw_networkx_edges(graph, pos, edgelist=faint, ax=ax, edge_color=EDGE, alpha=0.08, width=0.5)
    nx.draw_networkx_edges(graph, pos, edgelist=solid, ax=ax, edge_color=EDGE, alpha=0.25, width=0.7)

    degree = dict(graph.degree())
    layers = [("resource", 0.35, "o", lambda n: 8), ("entity", 0.95, "o", lambda n: 18 + 10 * degree[n]),
              ("newsletter", 1.0, "D", lambda n: 260), ("issue", 1.0, "o", lambda n: 420)]
    for kind, alpha, shape, size in layers:
        nodes = [n for n in graph if kinds[n] == kind]
        nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, alpha=alpha, linewidths=0, node_shape=shape,
                               node_size=[size(n) for n in nodes],
                               node_color=[colours.get(group_of(meta[n]), "#999999") for n in nodes])

    # Hubs' labels first (they must not move far), then the most-linked entities' labels around them.
    xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.08, max(xs) + 0.08)
    ax.set_ylim(min(ys) - 0.16, max(ys) + 0.06)  # room below for the lowest hub's label
    hub_style = {"color": "white", "fontsize": 11, "fontweight": "bold", "ha": "center", "va": "top",
                 "bbox": {"boxstyle": "round,pad=0.25", "facecolor": BACKGROUND, "edgecolor": "none", "alpha": 0.75}}
    entity_style = {"color": TEXT, "fontsize": 9, "ha": "center", "va": "bottom", "alpha": 0.95}
    hub_dots = [ax.transData.transform(pos[n]) for n in hubs]
    keep_out = [matplotlib.transforms.Bbox.from_extents(x - 12, y - 12, x + 12, y + 12) for x, y in hub_dots]
    labels = [(pos[n][0], pos[n][1] - 0.06, issue_label(meta[n]) if kinds[n] == "issue" else f"{n} (newsletter)",
               hub_style, []) for n in hubs]
    labels[-1] = (*labels[-1][:4], keep_out)
    entities = sorted((n for n in graph if kinds[n] == "entity"), key=lambda n: (-degree[n], n))[:ENTITY_LABELS]
    labels += [(pos[n][0], pos[n][1] + 0.025, n, entity_style, []) for n in entities]
    place_labels(ax, fig, labels)

    shown = sorted({group_of(meta[n]) for n in graph}, key=lambda g: (g != "newsletter", g == "resource", g))
    names = {"newsletter": "issue (◆ newsletter)", "resource": "resource (external link)"}
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, color=colours.get(g, "#999999"),
                      label=names.get(g, g.replace("entity/", "entity: "))) for g in shown]
    legend = ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=10, labelcolor=TEXT)
    legend.set_title(f"{graph.number_of_nodes()} notes, {graph.number_of_edges()} links "
                     f"(index notes left out)", prop={"size": 10})
    legend.get_title().set_color(TEXT)
    fig.tight_layout(pad=0.5)
    fig.savefig(out, facecolor=BACKGROUND)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "issues")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/graph.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = build(Options(args.source, Path(tmp) / "vault"))
        if result.exit_code:
            sys.exit(f"{args.source}: the build did not succeed (exit status {result.exit_code})")
        draw(Path(tmp) / "vault", args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
