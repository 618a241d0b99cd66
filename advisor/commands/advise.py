"""`advisor advise PROFILE`: the report for one business profile.

Stage: commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from advisor.i18n import _

from .common import (
    REPORT_SUFFIXES,
    color_option,
    knowledge_options,
    lang_option,
    load_kb,
    page_if_long,
    pick_format,
    use_color,
    write_output,
)
from .completion import PROFILE

FORMATS = ("text", "json", "markdown", "html")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("profile", metavar="PROFILE", type=PROFILE)
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from -o's suffix, else text; the same on a terminal or in a pipe).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--width", type=click.IntRange(50, 400), default=None, help="Text width (default: the terminal's).")
@click.option("--detail", is_flag=True,
              help="Everything in full: each item with its rules, sources and quotes, ranks, rule counts "
                   "(text, Markdown, HTML; JSON always holds it all).")
@click.option("--top", type=click.IntRange(0, None), default=10, show_default=True,
              help="With --detail, in text: explain this many recommendations in full and list the rest on one "
                   "line each (0: all in full).")
@click.option("--pager/--no-pager", default=True, show_default=True,
              help="On a terminal, page a text report longer than the screen through $PAGER (as git does); "
                   "never in a pipe or with -o.")
@color_option
@lang_option
@knowledge_options
def advise(profile: str, fmt: str | None, output: str | None, width: int | None, detail: bool, top: int,
           pager: bool, color: str, kb_options: dict) -> None:
    """Advise a business described by a JSON profile (a file, or - for standard input).

    \b
    Examples:
      advisor advise examples/tea-shop.json
      advisor advise examples/tea-shop.json --format json -o report.json
      cat profile.json | advisor advise - --format markdown
      advisor advise examples/tea-shop.json -o advice.html   (a page with pictures)
      advisor advise examples/tea-shop.json --detail         (every item in full, with its rules)
    """
    from advisor.api import advise as run_advice
    from advisor.inference import read_profile_source
    from advisor.render import render

    kb = load_kb(kb_options)
    checked = read_profile_source(profile, kb.fields)
    chosen = pick_format(fmt, output, REPORT_SUFFIXES)
    extra: dict = {}
    if chosen in ("markdown", "html"):  # these draw the reasoning: one run gives the report and the graph
        from advisor.explain import analyse

        run = analyse(kb, checked)
        report = run.report
        extra = {"graph": run.graph, "analysis": run}
        if chosen == "html":
            from advisor.render import have_graphviz

            if not have_graphviz():
                click.echo("advisor: " + _("note: Graphviz is not installed, so the page has no pictures "
                                           "(pip install pygraphviz, or apt-get install graphviz)"), err=True)
    else:
        report = run_advice(kb, checked)
    if width is None:
        import shutil

        width = min(100, shutil.get_terminal_size((88, 24)).columns) if not output else 88
    colored = use_color(color) and not output and chosen == "text"
    text = render(report, chosen, width=width, color=colored, top=top, detail=detail, **extra)
    if pager and chosen == "text" and page_if_long(text, output, colored):
        return None
    write_output(text, output)
    if output:
        click.echo(_("wrote {format} report to {file}").format(format=chosen, file=Path(output)), err=True)
    return None
