"""`advisor graph PROFILE`: the recommendation graph of one run, exported or drawn.

Stage: commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import knowledge_options, lang_option, load_kb, pick_format, write_output
from .completion import PROFILE, complete_items

FORMATS = ("dot", "mermaid", "graphml", "json", "svg", "png", "pdf")
_SUFFIXES = {".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".graphml": "graphml",
             ".json": "json", ".svg": "svg", ".png": "png", ".pdf": "pdf"}


@click.command("graph", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("profile", metavar="PROFILE", type=PROFILE)
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="dot, mermaid, svg, png or pdf draw it; graphml and json export the data (default: from -o's suffix, "
                   "else dot).")
@click.option("--item", "item", metavar="ID", default=None, shell_complete=complete_items,
              help="Only the reasoning behind one item (or derived fact or rule).")
@click.option("--overview", is_flag=True,
              help="Draw answers -> derived facts -> advice, rules folded into the edges (dot, mermaid, svg).")
@click.option("--top", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --overview, draw only the first N recommendations (warnings and items not advised "
                   "always; 0: all).")
@click.option("--sources", type=click.Choice(["fold", "nodes"]), default="fold", show_default=True,
              help="Draw cited sections inside the rule boxes, or as nodes of their own (dot, mermaid, svg).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
@lang_option
@knowledge_options
def graph_cmd(profile: str, fmt: str | None, item: str | None, overview: bool, top: int, sources: str,
              output: str | None, kb_options: dict) -> None:
    """Export or draw the recommendation graph: answers, rules, derived facts, advice and sources.

    \b
    Examples:
      advisor graph examples/tea-shop.json -o reasoning.svg
      advisor graph examples/tea-shop.json --item seo --format mermaid
      advisor graph examples/tea-shop.json --overview --top 10 -o glance.svg
      advisor graph examples/tea-shop.json --format graphml -o reasoning.graphml
      advisor graph examples/tea-shop.json --format json | jq '.nodes | length'
    """
    from advisor.errors import InputError
    from advisor.explain import analyse, reasoning, resolve, to_json
    from advisor.inference import read_profile_source
    from advisor.render import view

    chosen = pick_format(fmt, output, _SUFFIXES, default="dot")
    if chosen in ("png", "pdf") and (not output or output == "-") and sys.stdout.isatty():
        raise InputError(f"a {chosen.upper()} picture is not for a terminal", code="E150", where="graph",
                         expected=f"-o reasoning.{chosen}, or a pipe")
    if overview and item:
        raise InputError("--overview and --item draw different pictures", code="E500", where="graph",
                         expected="one of them")
    kb = load_kb(kb_options)
    node = resolve(kb, item) if item else None
    checked = read_profile_source(profile, kb.fields)
    G = analyse(kb, checked).graph
    if node is not None:
        if node not in G:
            raise InputError(f"{item!r} has no part in this profile's reasoning (nothing concluded it)",
                             code="E501", where="--item",
                             expected=f"an item of the report; `advisor explain {profile} {item}` says why not")
        G = reasoning(G, node)
    if chosen == "json":
        text = json.dumps(to_json(G), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    elif chosen == "graphml":
        from advisor.render import to_graphml

        text = to_graphml(G)
    else:
        V = view.overview(G, top=top) if overview else view.full_view(G, sources=sources)
        if chosen == "mermaid":
            from advisor.render import to_mermaid

            text = to_mermaid(V) + "\n"
        else:
            from advisor.render import draw, svg, to_dot

            text = to_dot(V, name=checked.name or "reasoning")
            if chosen == "svg":
                text = svg(text) + "\n"
            elif chosen in ("png", "pdf"):
                text = draw([text], chosen)[0]
    write_output(text, output)
    if output and output != "-":
        click.echo(f"wrote {chosen} graph to {Path(output)}", err=True)
