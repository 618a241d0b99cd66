"""`advisor audit [PATH ...]`: verify a rule base and report its defects.

Stage: commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import color_option, pick_format, use_color, write_output

FORMATS = ("text", "json", "sarif")


def _codes(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """Comma-separated audit codes or prefixes (``A5`` means every A5xx code)."""
    if not value:
        return ()
    from advisor.audit import registry

    wanted = tuple(part.strip().upper() for part in value.split(",") if part.strip())
    known = list(registry())
    for code in wanted:
        if not any(k.startswith(code) for k in known):
            from advisor.errors import close_matches

            near = close_matches(code, known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise click.BadParameter(f"{code!r} matches no audit code{hint}; `advisor audit --list-checks` "
                                     "lists them")
    return wanted


@click.command("audit", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("--knowledge", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of catalogs and profile fields (default: the shipped knowledge/).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format; sarif is for code-scanning tools (default: from -o's suffix, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the findings to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too, not only on errors.")
@click.option("--select", callback=_codes, default=None, metavar="CODES",
              help="Show only these codes or code prefixes, comma-separated (e.g. A2,A601).")
@click.option("--ignore", callback=_codes, default=None, metavar="CODES",
              help="Hide these codes or code prefixes, comma-separated.")
@click.option("--gap-fields", default=None, metavar="FIELDS",
              help="Comma-separated choice fields whose combinations the gap check (A701) walks "
                   "(default: business_model, product_type, price_level, business_stage).")
@click.option("--translations", "translations", default=None, metavar="LANG",
              help="List what the knowledge base's translation into LANG (e.g. zh) lacks: missing and stale "
                   "texts with their English and fingerprint, and the coverage per file.")
@click.option("--list-checks", is_flag=True, help="List every audit code and exit.")
@click.option("--explain", "explain", default=None, metavar="CODE", help="Explain one audit code, with examples.")
@color_option
def audit(paths: tuple[Path, ...], knowledge: Path | None, fmt: str | None, output: str | None, strict: bool,
          select: tuple[str, ...], ignore: tuple[str, ...], gap_fields: str | None, list_checks: bool,
          explain: str | None, translations: str | None, color: str) -> None:
    """Check a rule base for the defects rule authors make (codes and examples: docs/audit.md).

    \b
    Examples:
      advisor audit                                   (the shipped rules/ and knowledge/)
      advisor audit my-rules/ --knowledge knowledge/
      advisor audit my-kb/                            (a folder holding rules/ and knowledge/)
      advisor audit --format sarif -o audit.sarif
      advisor audit --select A6,A7                    (only conflicts and gaps)
      advisor audit --explain A601
      advisor audit --translations zh                 (what the Chinese translation lacks)

    \b
    Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 unreadable input.
    """
    from advisor.i18n import set_language

    set_language("en")  # the knowledge engineer's tool speaks English, its errors too, whatever the locale
    fmt = pick_format(fmt, output, {".txt": "text", ".json": "json", ".sarif": "sarif"})
    from advisor.audit import docs

    if list_checks:
        click.echo(docs.check_table(), nl=False)
        return
    if explain:
        from advisor.audit import registry

        found = registry().get(explain.strip().upper())
        if found is None:
            raise click.BadParameter(f"{explain!r} is not an audit code; `advisor audit --list-checks` lists them",
                                     param_hint="--explain")
        click.echo(docs.entry(found), nl=False)
        return
    if translations:
        write_output(_translations(knowledge, translations.strip().lower()), output)
        return
    from advisor.audit import render, run
    from advisor.errors import ExitCode

    fields = None
    if gap_fields is not None:
        fields = tuple(part.strip() for part in gap_fields.split(",") if part.strip())
    result = run(paths, knowledge, gap_fields=fields)
    shown = [f for f in result
             if (not select or any(f.code.startswith(s) for s in select))
             and not any(f.code.startswith(i) for i in ignore)]
    text = render(shown, fmt, files=result.files, rule_count=result.rule_count, bases=result.bases,
                  paint=click.style if use_color(color) and not output and fmt == "text" else None)
    write_output(text, output)
    if output:
        click.echo(f"wrote {fmt} findings to {Path(output)}", err=True)
    active = [f for f in shown if not f.suppressed]
    failing = any(f.severity.value == "error" for f in active) or (
        strict and any(f.severity.value == "warning" for f in active))
    click.get_current_context().exit(int(ExitCode.FINDINGS) if failing else int(ExitCode.OK))


def _translations(knowledge: Path | None, lang: str) -> str:
    """What ``lang``'s translation lacks, as YAML to fill in: per file, each missing or stale id with the
    fingerprint of today's English and the English texts; then the coverage per file."""
    from advisor.i18n import LANGUAGES
    from advisor.kb import coverage, english_texts, fingerprint, load_knowledge_base

    if lang not in LANGUAGES or lang == "en":
        raise click.BadParameter(f"{lang!r} is not a translation; expected one of: "
                                 + ", ".join(x for x in LANGUAGES if x != "en"), param_hint="--translations")
    kb = load_knowledge_base(knowledge)
    english = english_texts(kb)
    report = coverage(kb, lang)
    lines: list[str] = []
    for file, rows in report.items():
        todo = [(i, "stale") for i in rows["stale"]] + [(i, "missing") for i in rows["missing"]]
        if not todo:
            continue
        lines.append(f"# knowledge/i18n/{lang}/{file}")
        for item_id, why in sorted(todo):
            texts = english[file][item_id]
            lines.append(f"{item_id}:   # {why}")
            lines.append(f"  fingerprint: {fingerprint(texts)}")
            lines.extend(f"  {key}: {_quoted(text)}" for key, text in texts.items())
        lines.append("")
    done = sum(r["translated"] for r in report.values())
    total = sum(r["total"] for r in report.values())
    lines.append(f"# {lang}: {done} of {total} texts translated ({100 * done // max(total, 1)}%)")
    lines.extend(f"#   {file}: {r['translated']} of {r['total']}" + (f", {len(r['stale'])} stale" if r["stale"] else "")
                 for file, r in report.items())
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
