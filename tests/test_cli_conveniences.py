"""Small things a new user met: resuming without a file name, explaining by number or title,
ids in the text report, shell completion, and choices explained in plain words."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

EXAMPLE = str(EXAMPLES / "tea-shop.json")


def test_ask_resume_alone_continues_the_default_save_file(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run_cli(["ask", "--no-cache"], input="Corner Tea\nq\n")
    assert first.exit_code == 0, first.stderr
    assert json.loads((tmp_path / "my-business.json").read_text())["name"] == "Corner Tea"
    again = run_cli(["ask", "--resume", "--no-cache"], input="q\n")
    assert again.exit_code == 0, again.stderr
    assert "saved in my-business.json" in again.stderr


def test_the_text_report_shows_ids_and_numbers_that_explain_accepts(run_cli):
    report = run_cli(["advise", EXAMPLE, "-f", "json"]).json()
    text = run_cli(["advise", EXAMPLE, "-f", "text", "--detail", "--top", "0"]).stdout  # ids are for --detail
    third = report["recommendations"][2]
    assert f"  3. {third['title']}  [{third['id']}: " in text
    first_warning = report["warnings"][0]
    assert f"  w1 {first_warning['title']}  [{first_warning['id']}: " in text
    by_number = run_cli(["explain", EXAMPLE, "3", "--max-runs", "0"])
    by_id = run_cli(["explain", EXAMPLE, third["id"], "--max-runs", "0"])
    assert by_number.exit_code == 0 and by_number.stdout == by_id.stdout
    by_warning = run_cli(["explain", EXAMPLE, "w1", "--max-runs", "0"])
    assert by_warning.stdout == run_cli(["explain", EXAMPLE, first_warning["id"], "--max-runs", "0"]).stdout


def test_the_moves_are_numbered_m1_m2_for_explain(run_cli):
    """The owner's report numbers the moves to start now; `explain PROFILE m1` explains the first."""
    report = run_cli(["advise", EXAMPLE, "-f", "json"]).json()
    text = run_cli(["advise", EXAMPLE, "-f", "text", "--width", "200"]).stdout
    first = report["next_moves"][0]
    title = next(e["title"] for e in report["recommendations"] + report["plan"] if e["id"] == first)
    assert f"  1. {title}\n" in text
    assert "a move (m1)" in text
    by_move = run_cli(["explain", EXAMPLE, "m1", "--max-runs", "0"])
    assert by_move.exit_code == 0 and by_move.stdout == run_cli(["explain", EXAMPLE, first, "--max-runs", "0"]).stdout
    assert "Next move 1 of" in by_move.stdout
    too_far = run_cli(["explain", EXAMPLE, f"m{len(report['next_moves']) + 1}", "--max-runs", "0"])
    assert too_far.exit_code == 2 and "E501" in too_far.stderr and "no move" in too_far.stderr


@pytest.mark.parametrize("target, expected", [
    ("Search engine optimisation", "seo"),
    ("search engine optimization", "seo"),  # a close match of a title
    ("opinion leaders", "opinion-leaders"),
])
def test_explain_accepts_a_title(run_cli, target, expected):
    by_title = run_cli(["explain", EXAMPLE, target, "--max-runs", "0"])
    assert by_title.exit_code == 0, by_title.stderr
    assert by_title.stdout == run_cli(["explain", EXAMPLE, expected, "--max-runs", "0"]).stdout


@pytest.mark.parametrize("target, message", [
    ("w99", "the report has no warning 'w99'; expected w1 to w"),
    ("999", "the report has no recommendation '999'; expected 1 to "),
    ("wechat", "'wechat' could be "),  # a word many titles hold: the ids to choose from
])
def test_explain_refuses_what_it_cannot_pin_down(run_cli, target, message):
    result = run_cli(["explain", EXAMPLE, target])
    assert result.exit_code == 2
    assert message in result.stderr and "[E501]" in result.stderr


def _complete(words: list[str]) -> list[str]:
    env = dict(os.environ, COMP_WORDS=" ".join(words), COMP_CWORD=str(len(words) - 1),
               _ADVISOR_COMPLETE="bash_complete")
    done = subprocess.run([sys.executable, "-m", "advisor", *words[1:]], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    # click runs the completion through its program name; python -m advisor is "advisor" too
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if "," in line]


def _complete_in_process(words: list[str]) -> list[str]:
    from click.shell_completion import ShellComplete

    from advisor.commands.cli import cli

    completer = ShellComplete(cli, {}, "advisor", "_ADVISOR_COMPLETE")
    return [item.value for item in completer.get_completions(words[1:-1], words[-1])]


def test_completion_of_commands_items_fields_and_values():
    assert "explain" in _complete_in_process(["advisor", "ex"])
    assert "opinion-leaders" in _complete_in_process(["advisor", "explain", EXAMPLE, "opin"])
    assert _complete_in_process(["advisor", "whatif", EXAMPLE, "--set", "price_l"]) == ["price_level="]
    values = _complete_in_process(["advisor", "whatif", EXAMPLE, "--set", "offline_channels=dealers,ph"])
    assert values == ["offline_channels=dealers,phone_sales", "offline_channels=dealers,physical_stores"] or \
        sorted(values) == ["offline_channels=dealers,phone_sales", "offline_channels=dealers,physical_stores"]
    assert _complete_in_process(["advisor", "whatif", EXAMPLE, "--unset", "marketing_bud"]) == ["marketing_budget"]
    assert "messenger" in _complete_in_process(["advisor", "fields", "--group", "me"])


def test_completion_through_the_shell_protocol():
    """The environment-variable protocol click's bash script uses, end to end in a new process."""
    assert "opinion-leaders" in _complete(["advisor", "explain", EXAMPLE, "opin"])


def test_completion_with_a_broken_knowledge_base_completes_nothing(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules: [\n")
    assert _complete_in_process(["advisor", "explain", EXAMPLE, "--rules", str(broken), "opin"]) == []


def test_trade_jargon_choices_say_what_they_mean(run_cli, tmp_path):
    """The advertising-payment question explains CPM, CPC, CPA and CPS in plain words."""
    from advisor.kb import load_knowledge_base

    field = load_knowledge_base().fields.get("ad_payment")
    helps = {c.id: c.help for c in field.choices}
    for choice in ("per_view", "per_click", "per_action", "per_sale"):
        assert len(helps[choice].split()) >= 6, choice
    profile = json.loads((EXAMPLES / "custom-furniture.json").read_text())
    del profile["ad_payment"]  # the one question left: the interview asks it first
    answers = tmp_path / "furniture.json"
    answers.write_text(json.dumps(profile))
    result = run_cli(["ask", "--resume", str(answers), "--no-cache"], input="q\n")
    assert result.exit_code == 0, result.stderr
    assert "How do you mostly pay for online advertising?" in result.stderr
    assert "Per click (CPC) - you pay only when someone clicks through to you" in result.stderr
    assert "Per sale (CPS) - you pay a share of each sale" in result.stderr
