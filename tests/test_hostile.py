"""Hostile input: every malformed profile or rule file gets one clear line and exit status 2,
within bounded time and memory, and nothing in a file is ever executed."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLES, ROOT

EXAMPLE = str(EXAMPLES / "tea-shop.json")
MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for a hostile run
TIME_LIMIT = 60  # seconds


def one_error_line(result, code: str | None = None) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:], result.stderr[-500:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("advisor: ")
    if code:
        assert f"[{code}]" in lines[0], lines[0]
    return lines[0]


# ----------------------------------------------------------------------------- profiles

PROFILE_CASES = {
    "empty": (b"", "E103"),
    "only whitespace": (b"   \n\t\n", "E103"),
    "binary garbage": (bytes(range(256)) * 4, "E102"),
    "invalid utf-8": (b'{"name": "caf\xe9"}', "E102"),
    "utf-16 with bom": ('{"name": "x"}'.encode("utf-16"), "E102"),
    "array": (b"[]", "E200"),
    "number": (b"3.5", "E200"),
    "string": (b'"B2C"', "E200"),
    "null": (b"null", "E200"),
    "true": (b"true", "E200"),
    "huge integer": (b'{"months_online": ' + b"9" * 5000 + b"}", "E112"),
    "huge float": (b'{"months_online": 1e999}', "E112"),
    "nan": (b'{"months_online": NaN}', "E112"),
    "infinity": (b'{"months_online": Infinity}', "E112"),
    "minus infinity": (b'{"months_online": -Infinity}', "E112"),
    "deep arrays": (b"[" * 100_000 + b"]" * 100_000, "E111"),
    "deep objects": (b'{"a":' * 5000 + b"1" + b"}" * 5000, "E111"),
    "object as a value": (b'{"price_level": {"value": "high"}}', "E203"),
    "duplicate keys": (b'{"seo": "none", "seo": "basic"}', "E113"),
    "string for a number": (b'{"marketing_staff": "3"}', "E202"),
    "boolean for a number": (b'{"marketing_staff": true}', "E202"),
    "number for a boolean": (b'{"customer_care": 1}', "E202"),
    "number for a choice": (b'{"business_stage": 2}', "E203"),
    "negative count": (b'{"marketing_staff": -1}', "E204"),
    "mixed list": (b'{"offline_channels": ["dealers", 3]}', "E203"),
    "list for a scalar": (b'{"price_level": ["high"]}', "E203"),
    "unknown key": (b'{"budget": "small"}', "E201"),
    "trailing garbage": (b'{"price_level": "low"} extra', "E110"),
    "truncated": (b'{"price_level": "lo', "E110"),
    "nul byte": (b'{"name": "a\x00b"}', "E102"),
    "name is a number": (b'{"name": 7}', "E202"),
}


@pytest.mark.parametrize("case", sorted(PROFILE_CASES))
def test_hostile_profile_file(run_cli, tmp_path, case):
    data, code = PROFILE_CASES[case]
    path = tmp_path / "profile.json"
    path.write_bytes(data)
    line = one_error_line(run_cli(["advise", str(path)]), code)
    assert str(path) in line


@pytest.mark.parametrize("case", ["binary garbage", "array", "deep arrays", "duplicate keys", "nan"])
def test_hostile_profile_on_stdin(run_cli, case):
    data, code = PROFILE_CASES[case]
    line = one_error_line(run_cli(["advise", "-"], input=data), code)
    assert "<stdin>" in line


def test_fifo_is_refused_without_blocking(run_cli, tmp_path):
    fifo = tmp_path / "profile.json"
    os.mkfifo(fifo)
    one_error_line(run_cli(["advise", str(fifo)]), "E100")


def test_symlink_loop(run_cli, tmp_path):
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    assert "symbolic links" in one_error_line(run_cli(["advise", str(tmp_path / "a.json")]), "E100")


def test_dangling_symlink(run_cli, tmp_path):
    (tmp_path / "p.json").symlink_to(tmp_path / "missing.json")
    one_error_line(run_cli(["advise", str(tmp_path / "p.json")]), "E100")


def test_symlink_to_a_good_profile_works(run_cli, tmp_path):
    (tmp_path / "p.json").symlink_to(EXAMPLE)
    assert run_cli(["advise", str(tmp_path / "p.json"), "-f", "json"]).exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_profile(run_cli, tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{}")
    path.chmod(0)
    one_error_line(run_cli(["advise", str(path)]), "E100")


def test_unreadable_directory_entry(run_cli, tmp_path):
    """A path through a file (not a folder) cannot be read, whoever you are."""
    (tmp_path / "file").write_text("{}")
    one_error_line(run_cli(["advise", str(tmp_path / "file" / "p.json")]), "E100")


# ----------------------------------------------------------------------------- rule files

BOMB = textwrap.dedent("""
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
""")

RULE_HEAD = 'area: test\ntitle: Hostile rules\nrules:\n'
RULE = ('  - id: {id}\n    title: A hostile test rule\n    when: {{field: price_level, equals: high}}\n'
        '    then: [{{recommend: seo}}]\n    because: A rule written for the hostile-input tests.\n'
        '    source: {{doc: "004", section: sales-channel}}\n')

RULE_CASES = {
    "python object tag": (RULE_HEAD + "  - !!python/object/apply:os.system ['touch {marker}']\n", "E121"),
    "python name tag": ("area: !!python/name:os.system\ntitle: x\nrules: []\n", "E121"),
    "custom tag": ("area: !include other.yaml\ntitle: x\nrules: []\n", "E121"),
    "binary tag": ("area: !!binary aGVsbG8=\ntitle: x\nrules: []\n", "E121"),
    "billion laughs": (BOMB, "E122"),
    "a list": ("- id: a\n- id: b\n", "E300"),
    "a scalar": ("just some text\n", "E300"),
    "empty": ("", "E103"),
    "comments only": ("# nothing here\n# at all\n", "E103"),
    "duplicate keys": ("area: a\narea: b\ntitle: x\nrules: []\n", "E123"),
    "deep nesting": ("area: " + "[" * 5000 + "]" * 5000 + "\n", "E124"),
    "deep block nesting": ("- " * 3000 + "x\n", "E124"),
    "tab indentation": ("area: test\ntitle: x\nrules:\n\t- id: a\n", "E120"),
    "id with spaces": (RULE_HEAD + RULE.format(id="'rule with spaces'"), "E300"),
    "id with a path": (RULE_HEAD + RULE.format(id="'../../etc/passwd'"), "E300"),
    "id with unicode": (RULE_HEAD + RULE.format(id="'règle-ñ'"), "E300"),
    "id is a number": (RULE_HEAD + RULE.format(id="12"), "E300"),
    "id is very long": (RULE_HEAD + RULE.format(id="a" * 500), "E300"),
    "id is null": (RULE_HEAD + RULE.format(id="~"), "E300"),
    "nul byte": ("area: te\x00st\ntitle: x\nrules: []\n", "E102"),
    "undefined alias": ("area: *nothing\ntitle: x\nrules: []\n", "E120"),
    "two documents": ("area: a\ntitle: x\nrules: []\n---\narea: b\n", "E120"),
    "infinite number": (RULE_HEAD + RULE.format(id="inf-rule").replace("equals: high", "equals: .inf"), "E120"),
    # rule files written as JSON (read at C speed when nothing is wrong) keep every limit
    "json deep nesting": ('{"area": ' + "[" * 5000 + "]" * 5000 + "}", "E124"),
    "json deep objects": ('{"area": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}", "E124"),
    "json unclosed nesting": ('{"area": ' + "[" * 100_000, "E124"),
    "json duplicate keys": ('{"area": "a", "area": "b", "title": "x", "rules": []}', "E123"),
    "json node flood": ('{"area": "a", "title": "x", "rules": [], "x": [' + "1," * 1_600_000 + "1]}", "E125"),
    "many plain values are no bomb": ('{"area": "a", "title": "x", "rules": [], "x": [' + "1, " * 210_000 + "1]}",
                                      "E300"),
    "json truncated": ('{"area": "a", "title": ', "E120"),
    "json nan priority": ('{"area": "a", "title": "x", "rules": [{"id": "r", "priority": NaN}]}', "E300"),
    "json surrogate escape": ('{"area": "\\ud800", "title": "x", "rules": []}', "E120"),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_hostile_rule_file(run_cli, tmp_path, case):
    text, code = RULE_CASES[case]
    marker = tmp_path / "executed"
    folder = tmp_path / "rules"
    folder.mkdir()
    path = folder / "hostile.yaml"
    path.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    line = one_error_line(run_cli(["advise", EXAMPLE, "--rules", str(folder), "--no-cache"]), code)
    assert str(path) in line
    assert not marker.exists(), "a YAML tag ran code"


def test_binary_rule_file(run_cli, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "x.yaml").write_bytes(os.urandom(4096) + b"\xff\xfe")
    one_error_line(run_cli(["advise", EXAMPLE, "--rules", str(folder), "--no-cache"]), "E102")


def test_oversized_rule_file(run_cli, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    with open(folder / "big.yaml", "wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    one_error_line(run_cli(["advise", EXAMPLE, "--rules", str(folder), "--no-cache"]), "E101")


def test_malformed_knowledge_catalog(run_cli, tmp_path):
    import shutil

    from conftest import KNOWLEDGE

    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    text = (knowledge / "channels.yaml").read_text().replace("  - id: seo\n", "  - id: SEO Magic\n", 1)
    (knowledge / "channels.yaml").write_text(text)
    line = one_error_line(run_cli(["advise", EXAMPLE, "--knowledge", str(knowledge), "--no-cache"]), "E400")
    assert "channels.yaml" in line


# ----------------------------------------------------------------------------- bounded time and memory


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("kind", ["50 MB profile", "50 MB stdin", "alias bomb", "deep profile", "deep yaml",
                                  "deep json rules"])
def test_hostile_input_in_bounded_time_and_memory(tmp_path, kind):
    args = [sys.executable, "-m", "advisor", "advise"]
    stdin = None
    if kind == "50 MB profile":
        path = tmp_path / "p.json"
        path.write_bytes(b'{"name": "' + b"x" * (50 * 1024 * 1024) + b'"}')
        args.append(str(path))
    elif kind == "50 MB stdin":
        stdin = b'{"notes": "' + b"y" * (50 * 1024 * 1024) + b'"}'
        args.append("-")
    elif kind == "deep profile":
        path = tmp_path / "p.json"
        path.write_bytes(b"[" * 900_000 + b"]" * 900_000)
        args.append(str(path))
    else:
        folder = tmp_path / "rules"
        folder.mkdir()
        text = {"alias bomb": BOMB, "deep yaml": "area: " + "[" * 200_000 + "\n",
                "deep json rules": '{"area": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}"}[kind]
        (folder / "x.yaml").write_text(text)
        args += [EXAMPLE, "--rules", str(folder), "--no-cache"]
    done = subprocess.run(args, input=stdin, capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limited,
                          cwd=str(ROOT), env=dict(os.environ, ADVISOR_NO_CACHE="1"))
    assert done.returncode == 2, done.stderr[-1000:]
    assert b"Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
