"""Hostile environments (issue 15): outputs that never clobber or crash, text that cannot be
written, interrupted runs, lines over the limit and big rule files. No case exits 3, replaces a
special file, or loses a good line of a batch.

Special files are ones the test makes in its own folder (FIFOs, device nodes made with mknod
when running as root, links), never the system's.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest
from conftest import EXAMPLES, ROOT
from test_hostile import one_error_line

from advisor.report import REPORT_VERSION

EXAMPLE = str(EXAMPLES / "tea-shop.json")
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="making device nodes needs root")


def advisor(*args: str, stdout=subprocess.PIPE, stdin=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI in a fresh process (signals, real descriptors), as a person runs it."""
    return subprocess.run([sys.executable, "-m", "advisor", *args], stdout=stdout, stderr=subprocess.PIPE,
                          stdin=stdin, timeout=timeout, cwd=str(ROOT), env=dict(os.environ, PYTHONPATH=str(ROOT)))


def device(folder, name: str, minor: int, kind: int = stat.S_IFCHR):
    """A device node of our own: minor 3 of major 1 is a null device, 7 a full one."""
    path = folder / name
    os.mknod(path, kind | 0o666, os.makedev(1 if kind == stat.S_IFCHR else 7, minor))
    return path


def lines_for(command: list[str], tmp_path) -> list[str]:
    """``command`` with LINES standing for a JSON-lines file of three good profiles."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(((EXAMPLES / "tea-shop.json").read_bytes().replace(b"\n", b" ") + b"\n") * 3)
    return [str(path) if part == "LINES" else part for part in command]


def one_line(done: subprocess.CompletedProcess, code: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: ") and f"[{code}]" in lines[0], lines
    return lines[0]


# ----------------------------------------------------------------------------- special files


def test_a_fifo_is_written_into_not_replaced(run_cli, tmp_path):
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run_cli(["advise", EXAMPLE, "-f", "json", "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["report_version"] == REPORT_VERSION


@ROOT_ONLY
@pytest.mark.parametrize("command", [["advise", EXAMPLE, "-f", "json"], ["audit", "-f", "json"],
                                     ["batch", "LINES", "-q"]])
def test_a_character_device_is_written_into_not_replaced(run_cli, tmp_path, command):
    null = device(tmp_path, "null", 3)
    result = run_cli([*lines_for(command, tmp_path), "-o", str(null)])
    assert result.exit_code in (0, 1), result.stderr  # the audit's findings exit 1
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_link_to_a_file_is_followed_and_stays_a_link(run_cli, tmp_path):
    target = tmp_path / "kept.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(target.name)
    assert run_cli(["advise", EXAMPLE, "-f", "json", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == target.name
    assert json.loads(target.read_text())["report_version"] == REPORT_VERSION
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file's permissions are kept


def test_a_dangling_link_makes_its_target(run_cli, tmp_path):
    link = tmp_path / "report.json"
    link.symlink_to("made.json")
    assert run_cli(["advise", EXAMPLE, "-f", "json", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and json.loads((tmp_path / "made.json").read_text())["report_version"] == REPORT_VERSION


def test_a_link_to_standard_output_writes_to_it(tmp_path):
    """Like -o /dev/stdout: the link stands for an open descriptor, which is written into."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    done = advisor("advise", EXAMPLE, "-f", "json", "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["report_version"] == REPORT_VERSION
    assert link.is_symlink()


def test_a_socket_is_refused(run_cli, tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        line = one_error_line(run_cli(["advise", EXAMPLE, "-o", str(path)]), "E104")
    finally:
        server.close()
    assert "socket" in line and stat.S_ISSOCK(os.lstat(path).st_mode)


@ROOT_ONLY
def test_a_block_device_is_refused(run_cli, tmp_path):
    disk = device(tmp_path, "disk", 200, stat.S_IFBLK)
    assert "block device" in one_error_line(run_cli(["advise", EXAMPLE, "-o", str(disk)]), "E104")
    assert stat.S_ISBLK(os.lstat(disk).st_mode)


# ----------------------------------------------------------------------------- full, failing, closed outputs


@ROOT_ONLY
@pytest.mark.parametrize("command", [["advise", EXAMPLE, "-f", "json"], ["advise", EXAMPLE, "-f", "text"],
                                     ["audit"], ["batch", "LINES", "-q"]])
def test_a_full_device_is_one_line_not_a_bug(tmp_path, command):
    full = device(tmp_path, "full", 7)
    command = lines_for(command, tmp_path)
    line = one_line(advisor(*command, "-o", str(full)), "E104")
    assert "No space left on device" in line and str(full) in line
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    with open(full, "w") as out:  # standard output on a full device
        line = one_line(advisor(*command, stdout=out), "E104")
    assert "<stdout>" in line


def test_a_closed_pipe_ends_quietly():
    profile = (EXAMPLES / "tea-shop.json").read_bytes().replace(b"\n", b" ") + b"\n"

    def feed(stdin) -> None:
        try:
            stdin.write(profile * 2000)
            stdin.close()
        except BrokenPipeError:
            pass

    with subprocess.Popen([sys.executable, "-m", "advisor", "batch", "-", "-q"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(ROOT)) as proc:
        feeder = threading.Thread(target=feed, args=(proc.stdin,))
        feeder.start()
        assert proc.stdout.read(10)
        proc.stdout.close()  # the reader goes away, as `| head` does
        stderr = proc.stderr.read()
        assert proc.wait(120) == 141, stderr
        feeder.join(30)
    assert stderr == b""


@ROOT_ONLY
def test_a_full_file_system_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        many = tmp_path / "many.jsonl"
        many.write_bytes((EXAMPLES / "tea-shop.json").read_bytes().replace(b"\n", b" ") + b"\n" * 2)
        many.write_bytes(many.read_bytes() * 20)
        line = one_line(advisor("batch", str(many), "-q", "-o", str(folder / "out.jsonl")), "E104")
        assert "No space left on device" in line
        assert os.listdir(folder) == []
    finally:
        subprocess.run(["umount", str(folder)])


def test_output_errors_name_the_output(tmp_path):
    from advisor.commands.outputs import output_error

    error = output_error(OSError(errno.EIO, "Input/output error"), str(tmp_path / "r.json"))
    assert error.code == "E104" and error.exit_code == 2
    assert error.render() == (f"{tmp_path / 'r.json'}: cannot write the output: Input/output error; "
                              "expected a working disk or device [E104]")


# ----------------------------------------------------------------------------- text no file can hold

SURROGATE = b'{"name": "\\ud800", "price_level": "high"}'
CONTROL = b'{"name": "Tea\\u001b[2J", "price_level": "high"}'


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
@pytest.mark.parametrize("data", [SURROGATE, CONTROL], ids=["lone surrogate", "escape"])
def test_unwritable_text_is_refused_at_the_profile_check(run_cli, tmp_path, fmt, data):
    path = tmp_path / "p.json"
    path.write_bytes(data)
    line = one_error_line(run_cli(["advise", str(path), "-f", fmt, "-o", str(tmp_path / f"r.{fmt}")]), "E206")
    assert f"{path}:1:2: field 'name': text holds " in line
    assert not list(tmp_path.glob("r.*"))


def test_notes_may_hold_line_breaks_and_tabs(run_cli, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"notes": "two\\nlines\\tand a tab", "name": "Caf\\u00e9 \\ud83d\\ude00"}')
    assert run_cli(["advise", str(path), "-f", "json"]).json()["business"]["name"] == "Café \U0001F600"


def test_an_answer_file_with_unwritable_text_names_the_file(run_cli, tmp_path):
    path = tmp_path / "answers.json"
    path.write_bytes(SURROGATE)
    line = one_error_line(run_cli(["ask", "--answers", str(path), "--save", str(tmp_path / "s.json")]), "E206")
    assert line.startswith(f"advisor: {path}:")


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "file"])
def test_a_batch_line_with_unwritable_text_is_an_error_record(run_cli, tmp_path, to_file):
    good = (EXAMPLES / "tea-shop.json").read_bytes().replace(b"\n", b" ")
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([good, SURROGATE, CONTROL, good]) + b"\n")
    out = tmp_path / "out.jsonl"
    result = run_cli(["batch", str(source), "-q"] + (["-o", str(out)] if to_file else []))
    assert result.exit_code == 1
    lines = (out.read_text() if to_file else result.stdout).splitlines()
    assert len(lines) == 4
    records = [json.loads(line) for line in lines]
    assert [r.get("error", {}).get("code") for r in records] == [None, "E206", "E206", None]
    assert records[0] == records[3]


# ----------------------------------------------------------------------------- interrupted runs


def _batch_input(tmp_path, count: int = 20000):
    line = (EXAMPLES / "tea-shop.json").read_bytes().replace(b"\n", b" ") + b"\n"
    path = tmp_path / "in.jsonl"
    path.write_bytes(line * count)
    return path


def _started_batch(tmp_path, out):
    proc = subprocess.Popen([sys.executable, "-m", "advisor", "batch", str(_batch_input(tmp_path)), "-q", "-o",
                             str(out)], stderr=subprocess.PIPE, cwd=str(ROOT))
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) or list(tmp_path.glob(".*.tmp"))[0].stat().st_size < 10000:
        assert proc.poll() is None and time.monotonic() < deadline, "the batch did not start writing"
        time.sleep(0.05)
    return proc


def test_sigterm_removes_the_temporary_file_and_says_how_to_finish(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("the previous output\n")
    proc = _started_batch(tmp_path, out)
    proc.send_signal(signal.SIGTERM)
    stderr = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr and "Run the same command again" in stderr
    assert out.read_text() == "the previous output\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_killed_writers_temporary_file_is_removed_by_the_next_run(run_cli, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = _started_batch(tmp_path, out)
    proc.kill()
    proc.communicate(timeout=60)
    assert list(tmp_path.glob(".out.jsonl.*.tmp"))  # SIGKILL cannot be caught: the litter stays...
    assert run_cli(["advise", EXAMPLE, "-f", "json", "-o", str(out)]).exit_code == 0
    assert not list(tmp_path.glob(".*.tmp"))  # ...until the next writer of the same file


def test_a_temporary_file_of_a_live_writer_is_kept(tmp_path):
    from advisor.io.writing import clean_stale

    target = tmp_path / "out.jsonl"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.jsonl.{dead.pid}.tmp"
    live = tmp_path / f".out.jsonl.{os.getppid()}.tmp"  # a running process, started before the file
    mine = tmp_path / f".out.jsonl.{os.getpid()}.tmp"  # this process's own: never cleaned by itself
    other = tmp_path / ".other.jsonl.1.tmp"
    for path in (stale, live, mine, other):
        path.write_text("partial")
    assert clean_stale(target) == [stale]
    old = time.time() - 10 * 365 * 86400  # written long before the process with that id started: id reused
    os.utime(live, (old, old))
    assert clean_stale(target) == [live]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])


# ----------------------------------------------------------------------------- limits while reading


class Recorded(io.BytesIO):
    """A binary stream that records how much each readline asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        self.asked.append(size)
        return super().readline(size)


def test_a_line_over_the_limit_is_refused_while_reading():
    from advisor.report.batch import numbered_lines

    stream = Recorded(b'{"a": 1}\n' + b"x" * 50_000 + b"\n\n" + b'{"b": 2}\n')
    got = list(numbered_lines(stream, limit=1000))
    assert [(n, len(raw)) for n, raw in got] == [(1, 9), (2, 1001), (4, 9)]
    assert all(0 < size <= 1 << 20 for size in stream.asked)  # never "the whole line"


# ----------------------------------------------------------------------------- big rule files


def test_a_20000_rule_file_within_the_byte_limit_is_read(kb):
    from advisor.io import MAX_FILE_BYTES
    from advisor.io.yamlread import read_yaml
    from advisor.kb.generate import generate_rules

    rules = generate_rules(kb.fields, kb.catalog, 20000, 1)
    for rule in rules:  # rules as terse as a big generated file can be: the node count is what is tested
        rule.pop("judgement"), rule.pop("basis"), rule["source"].pop("quote")
    text = json.dumps({"area": "generated", "title": "Twenty thousand rules", "rules": rules}, separators=(",", ":"))
    assert len(rules) >= 20000 and len(text.encode()) <= MAX_FILE_BYTES
    data, _ = read_yaml(text, "big.yaml")  # the YAML reader itself, not the JSON shortcut
    assert data["rules"] == rules


def test_a_10000_rule_cycle_in_one_file_is_reported_as_a_cycle(tmp_path):
    rules = [{"id": f"r{i}", "title": "A link of a long cycle", "when": {"fact": f"f{(i - 1) % 10000}"},
              "then": [{"derive": f"f{i}"}], "because": "A rule written for a test of big rule files.",
              "source": {"doc": "004", "section": "sales-channel"}} for i in range(10000)]
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "cycle.yaml").write_text(json.dumps({"area": "cycle", "title": "A long cycle", "rules": rules},
                                                  indent=1))
    line = one_line(advisor("advise", EXAMPLE, "--rules", str(folder), "--no-cache"), "E307")
    assert "a cycle of 10,000 rules: r0 derives f0 -> r9999 derives f9999" in line and len(line) < 600
    done = advisor("audit", str(folder), "-f", "json")
    (cycle,) = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "A401"]
    assert len(cycle["steps"]) == 10000 and len(cycle["message"]) < 600
    assert cycle["steps"][0] == "f0 is derived by 'r0', which tests f9999"


def test_deep_yaml_gets_the_same_message_whichever_pyyaml(run_cli, tmp_path):
    """libyaml 0.2.6 and later (PyYAML 6.0.4) stop at 1,000 levels with a syntax error of their own;
    the advisor's limit speaks first, at the same place."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "deep.yaml").write_text("area: " + "[" * 5000 + "]" * 5000 + "\n")
    line = one_error_line(run_cli(["advise", EXAMPLE, "--rules", str(folder), "--no-cache"]), "E124")
    assert line == f"advisor: {folder / 'deep.yaml'}:1:70: YAML nests more than 64 levels deep [E124]"
