"""`advisor ask` in a real pseudo-terminal: a whole interview, a bad answer, Ctrl-C and --resume.

Runs ``python3 -m advisor ask`` under pexpect, as a person at a terminal would
(readline input, Ctrl-C delivered as SIGINT by the terminal). The knowledge
base is the hand-written one of tests/ask_kit.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sys

import pytest
from ask_kit import write_kb
from conftest import ROOT

pexpect = pytest.importorskip("pexpect")

PROMPT = "\r\n> "


def _interruptible() -> None:
    """Ctrl-C reaches the child even when the suite runs as a background job (which starts with SIGINT
    ignored, and a child inherits that: the interrupt test would then time out)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def spawn(tmp_path):
    knowledge, rules = write_kb(tmp_path / "kb")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="dumb", NO_COLOR="1", COLUMNS="100", LINES="40")
    children = []

    def start(*args: str):
        child = pexpect.spawn(sys.executable, ["-m", "advisor", "ask", *args, "--knowledge", str(knowledge),
                                               "--rules", str(rules), "--no-cache"],
                              cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30, dimensions=(40, 100),
                              preexec_fn=_interruptible)
        child.logfile_read = io.StringIO()  # the whole screen output, for checks on what was (not) asked
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def _explain_is_ours() -> bool:
    """False when `advisor.explain.explanation` would come from another copy of the advisor (an editable install
    of another checkout can lend modules this tree lacks); explaining would then mix two versions."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("advisor.explain.explanation")
    except ImportError:
        return True
    return spec is None or str(spec.origin).startswith(str(ROOT))


def answer(child, question: str, typed: str) -> None:
    child.expect_exact(question)
    child.expect_exact(PROMPT)
    child.sendline(typed)


def finish(child) -> str:
    """Read the report up to the explain prompt, leave, and return the report text."""
    child.expect_exact("That's all")
    child.expect_exact("explain> ")
    report = child.before
    child.sendline("")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0
    text = report.replace("\r\n", "\n")
    return text[text.index("Marketing advice for"):text.index("Want to know why?")]


def first_half(child) -> None:
    answer(child, "what is your business called?", "Corner Shop")
    answer(child, "What do you mainly sell?", "2")
    answer(child, "How many people work on marketing?", "3")


def second_half(child) -> None:
    answer(child, "Which offline channels do you sell through?", "2")
    answer(child, "How expensive is a typical purchase?", "2")
    answer(child, "Do you have your own website?", "y")
    answer(child, "How good is your website?", "1")
    answer(child, "Who visits your website?", "s")


def test_a_whole_interview_in_a_terminal(spawn, tmp_path):
    child = spawn("--save", "shop.json")
    child.expect_exact("Your answers are saved as you go in shop.json")
    first_half(child)
    answer(child, "Which offline channels do you sell through?", "7")
    child.expect_exact("There is no choice 7. Type numbers from 1 to 2, e.g. 1 3.")
    child.expect_exact("> ")
    child.sendline("2")
    answer(child, "How expensive is a typical purchase?", "?")
    child.expect_exact("Your answer decides whether your advice includes:")
    child.expect_exact("- Close sales in person (recommendation)")
    child.expect_exact("> ")
    child.sendline("2")
    answer(child, "Do you have your own website?", "y")
    answer(child, "How good is your website?", "1")
    answer(child, "Who visits your website?", "s")
    child.expect_exact("explain> ")
    if _explain_is_ours():
        child.sendline("w1")
        child.expect_exact("Undercutting your dealers")  # the explanation (advisor.explain.explanation's or the fallback)
        child.expect_exact("explain> ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0
    saved = json.loads((tmp_path / "shop.json").read_text())
    assert saved == {"name": "Corner Shop", "sells": "services", "price": "high", "staff": 3,
                     "channels": ["dealers"], "has_site": True, "site_quality": "poor", "skipped": ["audience"]}


def test_ctrl_c_then_resume_reaches_the_same_report(spawn, tmp_path):
    whole = spawn("--save", "whole.json")
    first_half(whole)
    second_half(whole)
    uninterrupted = finish(whole)

    child = spawn("--save", "shop.json")
    first_half(child)
    child.expect_exact("Which offline channels do you sell through?")
    child.expect_exact(PROMPT)
    child.sendintr()  # Ctrl-C at the prompt
    child.expect_exact("Stopped. Your 2 answers are saved in shop.json.")
    child.expect_exact("advisor ask --resume shop.json")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 130
    assert json.loads((tmp_path / "shop.json").read_text()) == {"name": "Corner Shop", "sells": "services",
                                                                "staff": 3}

    resumed = spawn("--resume", "shop.json")
    resumed.expect_exact("Welcome back. Continuing with the 2 answers saved in shop.json.")
    resumed.expect(r"Question (\d+) of about")
    assert resumed.match.group(1) == "3"
    second_half(resumed)
    assert finish(resumed) == uninterrupted
    assert json.loads((tmp_path / "shop.json").read_text()) == json.loads((tmp_path / "whole.json").read_text())


def test_an_irrelevant_question_is_not_asked_and_a_relevant_one_is(spawn):
    # selling goods settles the only rule on price: the price question never comes
    child = spawn("--save", "goods.json")
    answer(child, "what is your business called?", "")
    answer(child, "What do you mainly sell?", "1")
    answer(child, "How many people work on marketing?", "1")
    answer(child, "Which offline channels do you sell through?", "0")
    answer(child, "Do you have your own website?", "n")
    child.expect_exact("explain> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    transcript = child.logfile_read.getvalue()
    assert "That's all" in transcript
    for never in ("How expensive is a typical purchase?", "How good is your website?", "Who visits your website?",
                  "Are you in a good mood today?"):
        assert never not in transcript
    # the estimate counts every question that could still matter: the website answer settles the last two
    assert re.findall(r"Question (\d) of about (\d)", transcript) == [("1", "7"), ("2", "6"), ("3", "6"), ("4", "6")]


def test_shipped_interview_starts_and_quits_cleanly(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="dumb", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "advisor", "ask"], cwd=str(tmp_path), env=env,
                          encoding="utf-8", timeout=30, dimensions=(40, 100), preexec_fn=_interruptible)
    child.expect_exact("what is your business called?")
    child.sendline("Tea")
    child.expect(r"Question 1 of about (\d+)")
    assert int(child.match.group(1)) > 1
    child.expect_exact(PROMPT)
    child.sendline("?")
    child.expect_exact("Your answer decides whether your advice includes:")
    child.sendline("q")
    child.expect_exact("advisor ask --resume my-business.json")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0
    assert json.loads((tmp_path / "my-business.json").read_text()) == {"name": "Tea"}
