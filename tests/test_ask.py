"""`advisor ask` from pipes and answer files: the transcript, the saved profile, resume, edit, errors.

The knowledge base is the hand-written one of tests/ask_kit.py, so every
expected question and answer below is worked out by hand. Real terminal
sessions (a pseudo-terminal, Ctrl-C) are in tests/test_ask_pty.py.
"""

from __future__ import annotations

import json
import re

import pytest
from ask_kit import write_kb
from conftest import EXAMPLES

# name, sells=services, staff=3, channels=dealers, price: a typo then high, has_site=yes,
# site_quality=poor, audience: don't know
FULL = ["Corner Shop", "2", "3", "2", "x", "2", "y", "1", "s"]
SAVED = {"name": "Corner Shop", "sells": "services", "price": "high", "staff": 3, "channels": ["dealers"],
         "has_site": True, "site_quality": "poor", "skipped": ["audience"]}


@pytest.fixture
def toy_args(tmp_path):
    knowledge, rules = write_kb(tmp_path / "kb")
    return ["--knowledge", str(knowledge), "--rules", str(rules), "--no-cache", "--width", "88", "--color", "never"]


def lines(*answers: str) -> str:
    return "".join(a + "\n" for a in answers)


def test_piped_interview_asks_what_matters_and_saves_a_profile(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    result = run_cli(["ask", "--save", str(save), *toy_args], input=lines(*FULL, ""))
    assert result.exit_code == 0, result.stderr
    out = result.stderr  # the conversation: standard output is not a terminal, so it holds only the report
    assert [int(k) for k in re.findall(r"Question (\d+) of about \d+", out)] == [1, 2, 3, 4, 5, 6, 7]
    questions = re.findall(r"\n(What do you mainly sell\?|How many people work on marketing\?|"
                           r"Which offline channels do you sell through\?|How expensive is a typical purchase\?|"
                           r"Do you have your own website\?|How good is your website\?|Who visits your website\?|"
                           r"Are you in a good mood today\?)", out)
    assert questions == ["What do you mainly sell?", "How many people work on marketing?",
                         "Which offline channels do you sell through?", "How expensive is a typical purchase?",
                         "Do you have your own website?", "How good is your website?", "Who visits your website?"]
    assert "'x' is not one of the choices. Type a number from 1 to 2." in out  # re-asked, no crash
    assert out.count("How expensive is a typical purchase?") == 1  # the question is not repeated, the prompt is
    assert json.loads(save.read_text()) == SAVED
    report = result.stdout
    assert report.startswith("Marketing advice for Corner Shop")
    for title in ("Close sales in person", "Fix the website", "Undercutting your dealers"):
        assert title in report
    assert "Get help with marketing" not in report  # three people: the small-team rule does not fire
    assert "You answered 6 questions (1 more \"don't know\"); the other 1 did not apply" in out


def test_the_report_is_the_one_advise_prints_for_the_saved_file(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    asked = run_cli(["ask", "--save", str(save), *toy_args], input=lines(*FULL))
    advised = run_cli(["advise", str(save), "--format", "text", *toy_args])
    assert advised.exit_code == 0, advised.stderr
    assert asked.stdout == advised.stdout


def test_progress_is_shown_and_shrinks_as_answers_rule_questions_out(run_cli, toy_args, tmp_path):
    # sells=goods rules out price: 7 possible questions at first, then 6
    result = run_cli(["ask", "--save", str(tmp_path / "p.json"), *toy_args], input=lines("", "1", "q"))
    assert "Question 1 of about 7" in result.stderr
    assert "Question 2 of about 6" in result.stderr


def test_question_mark_says_which_advice_the_answer_changes(run_cli, toy_args, tmp_path):
    result = run_cli(["ask", "--save", str(tmp_path / "p.json"), *toy_args], input=lines("", "1", "?", "q"))
    out = result.stderr
    why = out[out.index("> ?"):]
    assert "Your answer decides whether your advice includes:" in why
    assert "- Get help with marketing (plan step)" in why
    assert result.exit_code == 0


def test_end_of_input_keeps_a_valid_partial_profile_and_says_how_to_resume(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    first = run_cli(["ask", "--save", str(save), *toy_args], input=lines(*FULL[:4]))
    assert first.exit_code == 0
    assert first.stdout == ""
    assert "End of input. Your 3 answers are saved in" in first.stderr
    assert f"advisor ask --resume {save}" in first.stderr
    assert json.loads(save.read_text()) == {"name": "Corner Shop", "sells": "services", "staff": 3,
                                            "channels": ["dealers"]}
    assert run_cli(["advise", str(save), "--format", "json", *toy_args]).exit_code == 0
    second = run_cli(["ask", "--resume", str(save), *toy_args], input=lines(*FULL[4:]))
    assert second.exit_code == 0, second.stderr
    assert "Welcome back. Continuing with the 3 answers saved in" in second.stderr
    assert "Question 4 of about" in second.stderr and "Question 3 of" not in second.stderr
    assert json.loads(save.read_text()) == SAVED
    whole = run_cli(["ask", "--save", str(tmp_path / "whole.json"), *toy_args], input=lines(*FULL))
    assert second.stdout == whole.stdout and second.stdout.startswith("Marketing advice for Corner Shop")


def test_quit_saves_and_a_dont_know_is_not_asked_again(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    run_cli(["ask", "--save", str(save), *toy_args], input=lines("", "1", "s", "q"))
    assert json.loads(save.read_text()) == {"sells": "goods", "skipped": ["staff"]}
    resumed = run_cli(["ask", "--resume", str(save), *toy_args], input=lines("q"))
    assert "How many people work on marketing?" not in resumed.stderr
    assert "Which offline channels do you sell through?" in resumed.stderr


def test_back_goes_to_the_previous_question(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    result = run_cli(["ask", "--save", str(save), *toy_args], input=lines("", "b", "2", "b", "1", "q"))
    out = result.stderr
    assert "This is the first question; there is nothing to go back to." in out
    assert "(asked again)" in out and "Press Enter to keep your answer, 2 (Services)." in out
    assert json.loads(save.read_text()) == {"sells": "goods"}  # the answer given when asked again
    assert out.count("What do you mainly sell?") == 2 and out.count("How many people work on marketing?") == 2


def test_edit_changes_chosen_answers_and_drops_what_no_longer_applies(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    run_cli(["ask", "--save", str(save), *toy_args], input=lines(*FULL))
    # the menu lists the 7 answers in field order: has_site is the 5th, staff the 3rd
    result = run_cli(["ask", "--edit", str(save), *toy_args], input=lines("5 3", "n", "1", "", ""))
    assert result.exit_code == 0, result.stderr
    out = result.stderr
    assert "5  Has a website: yes" in out and "7  Audience: don't know" in out
    assert '(Your answer to "Site quality" no longer applies and was removed.)' in out
    saved = json.loads(save.read_text())
    assert saved["has_site"] is False and saved["staff"] == 1 and "site_quality" not in saved
    assert "Get help with marketing" in result.stdout and "Fix the website" not in result.stdout


def test_answers_file_as_typed(run_cli, toy_args, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: Corner Shop\nsells: Services\nprice: 2\nstaff: 3 people\nchannels: '2'\n"
                       "has_site: yes\nsite_quality: poor\nmood: no\n")
    save = tmp_path / "shop.json"
    result = run_cli(["ask", "--answers", str(answers), "--save", str(save), *toy_args])
    assert result.exit_code == 0, result.stderr
    assert "asked 7 of 8 questions (1 don't know)" in result.stderr  # audience: not in the file
    assert "not asked, so not used (they did not apply or could not change the advice): mood" in result.stderr
    assert json.loads(save.read_text()) == SAVED
    assert result.stdout.startswith("Marketing advice for Corner Shop")


def test_answers_file_can_be_a_profile(run_cli, toy_args, tmp_path):
    answers = tmp_path / "profile.json"
    answers.write_text(json.dumps({k: v for k, v in SAVED.items()}))
    result = run_cli(["ask", "--answers", str(answers), "-f", "json", *toy_args])
    assert result.exit_code == 0, result.stderr
    assert result.json()["business"]["answers"] == {k: v for k, v in SAVED.items() if k not in ("name", "skipped")}


@pytest.mark.parametrize("text, message", [
    ("sells: 2\nprise: high\n", "answers.yaml:2:1: unknown field 'prise'; expected a field of knowledge/fields.yaml "
                                "(see `advisor fields`) (did you mean 'price'?) [E201]"),
    ("sells: 7\n", "answers.yaml:1:1: field 'sells': There is no choice 7. Type a number from 1 to 2 [E203]"),
    ("staff: 500\n", "answers.yaml:1:1: field 'staff': 500 is out of range. Please type a number from 0 to 100 "
                     "(people) [E204]"),
    ("has_site: maybe\n", "answers.yaml:1:1: field 'has_site': Please answer y (yes) or n (no) [E202]"),
    ("- sells\n", "answers.yaml: an answer file holds a mapping of question (field) to answer"),
])
def test_bad_answer_files_name_the_line_and_field(run_cli, toy_args, tmp_path, text, message):
    answers = tmp_path / "answers.yaml"
    answers.write_text(text)
    result = run_cli(["ask", "--answers", str(answers), *toy_args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_existing_file_is_never_overwritten_by_a_new_interview(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    save.write_text('{"sells": "goods"}')
    result = run_cli(["ask", "--save", str(save), *toy_args], input=lines("q"))
    assert result.exit_code == 2
    assert "file already exists; expected a new file, or continue it with: advisor ask --resume" in result.stderr
    assert save.read_text() == '{"sells": "goods"}'


def test_the_default_file_name_avoids_existing_files(run_cli, toy_args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-business.json").write_text("{}")
    result = run_cli(["ask", *toy_args], input=lines("", "1", "q"))
    assert "saved as you go in my-business-2.json" in result.stderr
    assert json.loads((tmp_path / "my-business-2.json").read_text()) == {"sells": "goods"}
    assert (tmp_path / "my-business.json").read_text() == "{}"


def test_options_that_cannot_go_together(run_cli, toy_args, tmp_path):
    result = run_cli(["ask", "--resume", "a.json", "--answers", "b.yaml", *toy_args])
    assert result.exit_code == 2
    assert "--resume, --edit and --answers cannot be combined" in result.stderr


def test_resume_of_a_broken_file_is_a_one_line_error(run_cli, toy_args, tmp_path):
    broken = tmp_path / "shop.json"
    broken.write_text('{"sells": "cheap"}')
    result = run_cli(["ask", "--resume", str(broken), *toy_args])
    assert result.exit_code == 2
    assert "field 'sells': 'cheap' is not allowed; expected one of: goods, services [E203]" in result.stderr


def test_an_unwritable_save_file_is_refused_before_any_question(run_cli, toy_args, tmp_path):
    result = run_cli(["ask", "--save", str(tmp_path / "missing" / "shop.json"), *toy_args], input=lines("x"))
    assert result.exit_code == 2
    assert "cannot save the answers here" in result.stderr and "[E100]" in result.stderr
    assert "What do you mainly sell?" not in result.stderr


# --------------------------------------------------------------------------- the shipped knowledge base


def test_a_typical_small_business_needs_fewer_questions_than_there_are_fields(run_cli, kb):
    result = run_cli(["ask", "--answers", str(EXAMPLES / "tea-shop.json"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    asked, total = map(int, re.search(r"asked (\d+) of (\d+) questions", result.stderr).groups())
    assert total == len(kb.fields.fields)
    assert asked < total


def test_questions_left_out_do_not_change_the_shipped_advice(run_cli):
    """The tea shop's report from the interview equals the one from its full profile."""
    example = str(EXAMPLES / "tea-shop.json")
    asked = run_cli(["ask", "--answers", example, "-f", "json"]).json()
    full = run_cli(["advise", example, "-f", "json"]).json()
    for key in ("recommendations", "warnings", "not_advised", "plan", "kpis", "conflicts"):
        assert [e.get("id", e.get("item")) for e in asked[key]] == [e.get("id", e.get("item")) for e in full[key]], key


@pytest.mark.parametrize("skipped, message", [
    (["prise"], "field 'skipped'[0]: 'prise' is not a field name; expected a list of field names (see "
                "`advisor fields`), each once (did you mean 'price'?) [E203]"),
    ("price", "field 'skipped': 'price' is not a list; expected a list of field names"),
    (["price", "price"], "field 'skipped': the list repeats a field; expected"),
])
def test_a_bad_skipped_list_is_explained(run_cli, toy_args, tmp_path, skipped, message):
    profile = tmp_path / "shop.json"
    profile.write_text(json.dumps({"sells": "goods", "skipped": skipped}))
    for command in (["advise", str(profile)], ["ask", "--resume", str(profile)]):
        result = run_cli([*command, *toy_args])
        assert result.exit_code == 2
        assert message in result.stderr


def test_explaining_an_item_after_the_interview(run_cli, toy_args, tmp_path, monkeypatch):
    from advisor import api
    from advisor.errors import InputError

    calls = []

    def explain_text(kb, profile, item_id, *, width=88):
        calls.append((profile.as_dict()["sells"], item_id, width))
        if item_id == "fix-site":
            raise InputError(f"unknown item {item_id!r}", code="E500")
        return f"EXPLAINED {item_id}\n"

    monkeypatch.setattr(api, "explain_text", explain_text)
    result = run_cli(["ask", "--save", str(tmp_path / "shop.json"), *toy_args],
                     input=lines(*FULL, "w1", "fix", ""))
    assert "EXPLAINED dealer-conflict" in result.stderr
    assert "unknown item 'fix-site'" in result.stderr
    assert calls == [("services", "dealer-conflict", 88), ("services", "fix-site", 88)]


def test_a_full_disk_never_corrupts_the_saved_answers(run_cli, toy_args, tmp_path, monkeypatch):
    """A save that fails half-way (fsync: no space left) keeps the previous file, and the interview goes on."""
    import errno
    import os as os_module

    save = tmp_path / "shop.json"
    real_fsync = os_module.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:  # the save after the second answer (the first two: start, name)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os_module, "fsync", fsync)
    result = run_cli(["ask", "--save", str(save), *toy_args], input=lines("Corner Shop", "2", "3", "q"))
    assert result.exit_code == 0
    assert f"advisor: could not save to {save}: No space left on device; the file keeps your earlier answers" \
        in result.stderr
    assert json.loads(save.read_text()) == {"name": "Corner Shop", "sells": "services", "staff": 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "shop.json"]  # no temporary file left behind


def test_input_that_is_not_utf8_is_asked_again(run_cli, toy_args, tmp_path):
    result = run_cli(["ask", "--save", str(tmp_path / "shop.json"), *toy_args],
                     input=b"\n\xff\xfe\n1\nq\n")
    assert result.exit_code == 0
    assert "is not one of the choices" in result.stderr
    assert json.loads((tmp_path / "shop.json").read_text()) == {"sells": "goods"}


def test_r_shows_the_advice_now_and_the_rest_can_be_answered_later(run_cli, toy_args, tmp_path):
    save = tmp_path / "shop.json"
    result = run_cli(["ask", "--save", str(save), *toy_args], input=lines("", "2", "1", "r", ""))
    assert result.exit_code == 0, result.stderr
    # services and one person: personal closing still needs the price, 4 questions could still matter
    assert "Here is your advice from the answers so far. Up to 5 more questions could still change it" \
        in " ".join(result.stderr.split())
    assert result.stdout.startswith("Marketing advice for your business")
    assert "Get help with marketing" in result.stdout
    assert json.loads(save.read_text()) == {"sells": "services", "staff": 1}
    resumed = run_cli(["ask", "--resume", str(save), *toy_args], input=lines("q"))
    assert "Question 3 of about" in resumed.stderr
