"""`advisor ask`: the interview in a terminal (or from a pipe or an answer file).

The terminal loop only: which question comes next and which are skipped is
decided in :mod:`advisor.interview.planner`, and typed answers are read by
:mod:`advisor.interview.answers`. The answers are saved atomically after every step, so
Ctrl-C, end of input or a crash leave a valid profile to resume from.

Stage: commands.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from advisor.errors import ExitCode, InputError, Location, ProfileError
from advisor.i18n import N_, _, ngettext
from advisor.interview import (
    Command,
    Interview,
    Invalid,
    Planner,
    Question,
    instructions,
    parse_answer,
    read_answer_file,
    show_value,
)

from .ask_terminal import Saver, Screen, columns
from .common import color_option, knowledge_options, lang_option, load_kb

DEFAULT_SAVE = "my-business.json"
FORMATS = ("text", "json", "markdown")
_STAKE_WORDS = {"recommend": N_("recommendation"), "avoid": N_("not advised"), "warn": N_("warning"),
                "step": N_("plan step"), "kpi": N_("measure")}


class Stop(Exception):
    """The person asked to stop (q), or input ended."""


class ReportNow(Exception):
    """The person asked for the advice before the last question (r)."""


@click.command("ask", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--save", "save", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Save the answers to this file as you go (default: {DEFAULT_SAVE}, or the file being resumed).")
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), default=None, is_flag=False,
              flag_value=Path(DEFAULT_SAVE), metavar="[FILE]",
              help=f"Continue the interview saved in this file (alone: {DEFAULT_SAVE}).")
@click.option("--edit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Change chosen answers of a saved profile, then continue.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Answer from a JSON or YAML file (field: answer as typed, or a profile); asks nothing.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Format of the report printed at the end.")
@click.option("--width", type=click.IntRange(50, 400), default=None, help="Text width (default: the terminal's).")
@color_option
@lang_option
@knowledge_options
def ask(save: Path | None, resume: Path | None, edit: Path | None, answers_file: Path | None, fmt: str,
        width: int | None, color: str, kb_options: dict) -> None:
    """Answer questions about your business and get the advice, one question at a time.

    Only questions whose answer can still change the advice are asked. Type ?
    at any question to see why it matters, s if you don't know, b to go back,
    r to see the advice now and q to save and stop. Answers are saved as you go.

    \b
    Examples:
      advisor ask
      advisor ask --save tea-shop.json
      advisor ask --resume tea-shop.json
      advisor ask --resume                (continues my-business.json)
      advisor ask --edit tea-shop.json
      advisor ask --answers answers.yaml --save tea-shop.json
      printf 'Tea shop\\n1\\n2\\n' | advisor ask
    """
    import shutil

    from .common import use_color

    if sum(x is not None for x in (resume, edit, answers_file)) > 1:
        raise InputError(_("--resume, --edit and --answers cannot be combined"), code="E500",
                         expected=_("one of them (--save may go with any)"))
    kb = load_kb(kb_options)
    planner = Planner(kb)
    if width is None:  # the terminal's, even when only standard error is one (advisor ask > report.txt)
        width = min(100, columns(sys.stdout, sys.stderr) or shutil.get_terminal_size((88, 24)).columns)
    if answers_file is not None:
        name, given = read_answer_file(answers_file, kb.fields)
        interview = Interview(planner, name=name)
        asked = interview.play(given)
        if save is not None:
            saver = Saver(save)
            if not saver.save(interview):
                raise InputError(_("cannot save the answers: {problem}").format(problem=saver.problem), code="E100",
                                 location=Location(str(save)))
        unused = [name for name in given if name not in asked]
        dont_know = len([name for name in asked if name in interview.skipped])
        click.echo(_("asked {asked} of {total} questions ({count} don't know)").format(
            asked=len(asked), total=len(kb.fields.fields), count=dont_know), err=True)
        if unused:
            click.echo(_("not asked, so not used (they did not apply or could not change the advice): {fields}").format(
                fields=", ".join(unused)), err=True)
        click.echo(_report_text(kb, interview, fmt, width, use_color(color) and fmt == "text"), nl=False)
        return

    to_stderr = not sys.stdout.isatty()
    stream = sys.stderr if to_stderr else sys.stdout
    colored = color == "always" or (color == "auto" and stream.isatty() and not os.environ.get("NO_COLOR"))
    screen = Screen(width, colored, sys.stdin.isatty(), to_stderr)
    source = resume or edit
    if source is not None:
        interview = _load_saved(planner, source)
        saver = Saver(save or source)
    else:
        interview = Interview(planner)
        saver = Saver(save if save is not None else _free_name(Path(DEFAULT_SAVE)))
        if save is not None and save.exists():
            raise InputError(_("file already exists"), code="E500", location=Location(str(save)),
                             expected=_("a new file, or continue it with: {command}").format(
                                 command=f"advisor ask --resume {shlex.quote(str(save))}"))
    if not saver.save(interview):
        raise InputError(_("cannot save the answers here: {problem}").format(problem=saver.problem), code="E100",
                         location=Location(str(saver.path)), expected=_("a file you can write (choose one with --save)"))
    try:
        _introduce(screen, interview, saver, kb, source, editing=edit is not None)
        if source is None:
            _ask_name(screen, interview, saver)
        if edit is not None:
            _edit_menu(screen, interview, saver)
        _interview(screen, interview, saver)
    except KeyboardInterrupt:
        _say_saved(screen, interview, saver, _("Stopped.") + " ")
        sys.stdout.flush()
        raise click.exceptions.Exit(int(ExitCode.INTERRUPTED)) from None
    except (Stop, EOFError) as stop:
        _say_saved(screen, interview, saver, _("End of input.") + " " if isinstance(stop, EOFError) else "")
        return
    except ReportNow:
        _finish(screen, kb, interview, saver, fmt, use_color(color) and fmt == "text", early=True)
        return
    _finish(screen, kb, interview, saver, fmt, use_color(color) and fmt == "text")


# --------------------------------------------------------------------------- the conversation


def _introduce(screen: Screen, interview: Interview, saver: Saver, kb: Any, source: Path | None,
               editing: bool = False) -> None:
    total = len(kb.fields.fields)
    if source is None:
        screen.say(_("Marketing advisor: a short interview about your business"), "head")
        screen.say()
        screen.say(_("Answer questions about your business and get marketing advice, with the reason and the "
                     "source behind every point. Questions that cannot change the advice for your business are left "
                     "out as you go, so you will see fewer than all {total}: the count drops as you answer.").format(
            total=total))
    else:
        done = len(interview.answers) + len(interview.skipped)
        where = saver.shown() if source == saver.path else shlex.quote(str(source))
        sentence = (ngettext("Changing the {count} answer saved in {file}.",
                             "Changing the {count} answers saved in {file}.", done) if editing else
                    ngettext("Welcome back. Continuing with the {count} answer saved in {file}.",
                             "Welcome back. Continuing with the {count} answers saved in {file}.", done))
        screen.say(sentence.format(count=done, file=where), "head")
    screen.say()
    screen.say(_("At any question, type:  ?  why it matters   s  don't know   b  go back"))
    screen.say(_("                        r  see the advice now   q  save and stop"))
    screen.say(_("Your answers are saved as you go in {file}.").format(file=saver.shown()), "dim")


def _ask_name(screen: Screen, interview: Interview, saver: Saver) -> None:
    screen.say()
    screen.say(_("First, what is your business called? It heads the report; press Enter to leave it out."),
               "question")
    from advisor.inference import text_problem

    name = " ".join(screen.read().split())[:200]
    while problem := text_problem("name", name):  # a control character or half a character: asked again
        screen.say(_("{problem}; type the name as plain text.").format(problem=problem.message), "warn")
        name = " ".join(screen.read().split())[:200]
    if name.lower() in ("q", "quit", "exit"):
        raise Stop
    if name and name.lower() not in ("s", "skip", "?", "跳过", "不知道"):
        interview.name = name
        saver.save(interview)


def _show_question(screen: Screen, q: Question, default: Any, group: str, editing: bool = False) -> None:
    f = q.field
    again = _("  (asked again)") if q.revisit else ""
    screen.say()
    where = _("Change your answer") if editing else _("Question {number} of about {about}").format(number=q.number,
                                                                                                   about=q.about)
    screen.say(f"{where}  -  {group}{'' if editing else again}", "dim")
    screen.say(f.question, "question")
    if f.choices:
        screen.choices([f"{c.label} - {c.help}" if c.help else c.label for c in f.choices],
                      columns=not any(c.help for c in f.choices))
    screen.say(instructions(f, default, keep=q.current is not None), "dim")


def _interview(screen: Screen, interview: Interview, saver: Saver, *, revisit_only: bool = False) -> None:
    """Ask until nothing more can change the advice (or only the revisits, for the edit menu)."""
    groups = {g.id: g.label for g in interview.fields().groups}
    while True:
        if revisit_only and not interview.revisit:
            return
        q = interview.next_question()
        if q is None:
            return
        f = q.field
        default = q.current if q.current is not None else f.default
        _show_question(screen, q, default, groups.get(f.group, ""), editing=revisit_only)
        while True:
            result = parse_answer(f, screen.read(), default)
            if isinstance(result, Invalid):
                screen.say(result.message, "warn")
                continue
            if isinstance(result, Command) and result.name == "help":
                _why(screen, interview, f.id)
                continue
            if isinstance(result, Command) and result.name == "back" and not interview.history:
                screen.say(_("This is the first question; there is nothing to go back to."), "warn")
                continue
            break
        if isinstance(result, Command):
            if result.name == "quit":
                raise Stop
            if result.name == "report":
                raise ReportNow
            if result.name == "back":
                interview.back()
                continue
            dropped = interview.skip(f.id)
        else:
            dropped = interview.answer(f.id, result)
        for name in dropped:
            gone = interview.fields().get(name)
            screen.say(_('(Your answer to "{label}" no longer applies and was removed.)').format(
                label=gone.label if gone else name), "dim")
        if not saver.save(interview):
            click.echo(_("advisor: could not save to {file}: {problem}; the file keeps your earlier answers. The "
                         "interview goes on and tries again after the next answer.").format(
                file=saver.path, problem=saver.problem), err=True)


def _why(screen: Screen, interview: Interview, name: str) -> None:
    planner = interview.planner
    f = interview.fields().get(name)
    assert f is not None
    if f.help:
        screen.say(_("Why we ask: {help}").format(help=f.help), indent=2)
    stakes = planner.stakes_of(name, interview.assessment())
    if stakes:
        screen.say(_("Your answer decides whether your advice includes:"), indent=2)
        for stake in stakes[:10]:
            screen.say(_("- {title} ({kind})").format(title=interview.words(stake.title), kind=_(_STAKE_WORDS[stake.kind])), indent=4)
        if len(stakes) > 10:
            screen.say(_("...and {count} more.").format(count=len(stakes) - 10), indent=4)
        opened = [other for other in interview.fields().fields if other.id in interview.assessment().waiting
                  and name in _gate_fields(planner, other.id)]
        if opened:
            screen.say(_("It also decides whether these questions apply to you:"), indent=2)
            for other in opened:
                screen.say(f"- {other.question}", indent=4)
    else:
        screen.say(_("Your earlier answers already settle everything this question could change."), indent=2)


def _gate_fields(planner: Planner, name: str) -> set[str]:
    from advisor.kb import iter_tests

    cond = planner.ask_if.get(name)
    return {t.name for t in iter_tests(cond) if t.kind == "field"}


def _edit_menu(screen: Screen, interview: Interview, saver: Saver) -> None:
    fields = interview.fields()
    while True:
        listed = [f for f in fields.fields if f.id in interview.answers or f.id in interview.skipped]
        screen.say()
        if not listed:
            screen.say(_("There are no answers to change yet."))
            return
        screen.say(_("Your answers in {file}:").format(file=saver.shown()), "head")
        digits = len(str(len(listed)))
        for index, f in enumerate(listed, 1):
            value = show_value(f, interview.answers[f.id]) if f.id in interview.answers else _("don't know")
            screen.say(f"{index:>{digits}}  {f.label}: {value}", indent=2)
        screen.say(_("Type the numbers of the answers to change (e.g. 2 5), or press Enter to go on."), "dim")
        while True:
            typed = screen.read().replace(",", " ").split()
            if typed and typed[0].lower() in ("q", "quit", "exit"):
                raise Stop
            if all(t.isdigit() and 1 <= int(t) <= len(listed) for t in typed):
                break
            screen.say(_("Please type numbers from 1 to {count}, or press Enter to go on.").format(count=len(listed)),
                       "warn")
        if not typed:
            return
        interview.edit(listed[int(t) - 1].id for t in dict.fromkeys(typed))
        _interview(screen, interview, saver, revisit_only=True)


def _say_saved(screen: Screen, interview: Interview, saver: Saver, why: str = "") -> None:
    count = len(interview.answers) + len(interview.skipped)
    where = (ngettext("Your {count} answer is saved in {file}.", "Your {count} answers are saved in {file}.",
                      count).format(count=count, file=saver.shown())
             if saver.problem is None else
             _("The last save to {file} failed ({problem}); it holds your earlier answers.").format(
                 file=saver.shown(), problem=saver.problem))
    screen.say()
    screen.say(why + where, "warn" if why.startswith(_("Stopped.")) else None)
    screen.say(_("To continue later, run:"))
    screen.echo(f"  advisor ask --resume {saver.shown()}")  # never wrapped: people copy it


# --------------------------------------------------------------------------- the end


def _finish(screen: Screen, kb: Any, interview: Interview, saver: Saver, fmt: str, color: bool, *,
            early: bool = False) -> None:
    from advisor.api import advise
    from advisor.inference import validate_answers
    from advisor.render import render

    from .ask_explain import offer_explanations

    answered, dont_know = len(interview.answers), len(interview.skipped)
    left = len(kb.fields.fields) - answered - dont_know
    screen.say()
    if early:
        more = interview.assessment().remaining()
        screen.say(ngettext("Here is your advice from the answers so far. Up to {count} more question could still "
                            "change it; answer them any time with:",
                            "Here is your advice from the answers so far. Up to {count} more questions could still "
                            "change it; answer them any time with:", more).format(count=more), "good")
        screen.echo(f"  advisor ask --resume {saver.shown()}")
    else:
        screen.say(_("That's all the questions: nothing else you could answer would change your advice."), "good")
        answered_words = ngettext("You answered {count} question", "You answered {count} questions",
                                  answered).format(count=answered)
        if dont_know:
            answered_words = _('{answered} ({count} more "don\'t know")').format(answered=answered_words,
                                                                                 count=dont_know)
        screen.say(_("{answered}; the other {left} did not apply to your business or could not change its "
                     "advice.").format(answered=answered_words, left=left))
    screen.say(_("Saved in {file}. To see this report again: advisor advise {file}").format(file=saver.shown()),
               "dim")
    screen.say()
    profile = validate_answers(interview.to_profile(), kb.fields, source=str(saver.path))
    report = advise(kb, profile)
    click.echo(render(report, fmt, width=screen.width, color=color), nl=False)
    if fmt == "text":
        offer_explanations(screen, kb, profile, report)


# --------------------------------------------------------------------------- files


def _free_name(path: Path) -> Path:
    """``path`` if it does not exist, else the first free ``stem-2.json``, ``stem-3.json``..."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def _load_saved(planner: Planner, path: Path) -> Interview:
    from advisor.inference import load_profile
    from advisor.io import MAX_PROFILE_BYTES, parse_json, read_text

    load_profile(path, planner.fields)  # every check of `advisor advise`, with its messages
    data = parse_json(read_text(path, limit=MAX_PROFILE_BYTES, error=ProfileError), str(path), error=ProfileError)
    return Interview.from_profile(planner, data)


def _report_text(kb: Any, interview: Interview, fmt: str, width: int, color: bool) -> str:
    from advisor.api import advise
    from advisor.inference import validate_answers
    from advisor.render import render

    profile = validate_answers(interview.to_profile(), kb.fields, source="<answers>")
    return render(advise(kb, profile), fmt, width=width, color=color)
