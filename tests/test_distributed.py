"""advisor.report.distributed: a JSON-lines file advised on a local Dask cluster gives `advisor batch`'s bytes."""

from __future__ import annotations

import json
import random

import pytest

pytest.importorskip("dask.bag", reason="Dask is not installed (pip install 'marketing-advisor[dask]')")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed "
                                                        "(pip install 'marketing-advisor[dask]')")

from advisor.kb.generate import random_profile  # noqa: E402
from advisor.report import REPORT_VERSION  # noqa: E402
from advisor.report.distributed import advise_jsonl, count_lines  # noqa: E402


def _input(kb, lines: int) -> bytes:
    """Profiles with the lines `advisor batch` treats specially among them."""
    rng = random.Random(16)
    out = [json.dumps(random_profile(kb.fields, rng), ensure_ascii=False).encode() for _ in range(lines)]
    out[3] = b'{"price_level": "cheap"}'  # an invalid answer: an error record
    out[7] = b""  # blank lines are skipped but counted
    out[8] = b"   \t"
    out[11] = b'{"name": "Caf\xe9"}'  # not UTF-8
    out[12] = '{"name": "Line\u2028separator shop", "business_model": "B2C"}'.encode()  # one line in JSON lines
    out[13] = b'{"name": "car\rriage"}'  # a raw carriage return: still one line, and not JSON
    out[14] = b"\xef\xbb\xbf" + out[14]  # a byte-order mark
    out[20] = b"[1, 2]"
    return b"\n".join(out)  # the last line has no newline


def test_count_lines_counts_an_unterminated_last_line():
    assert [count_lines(b) for b in (b"", b"a\n", b"a\nb", b"\n\n")] == [0, 1, 2, 2]


def test_a_local_cluster_gives_the_same_bytes_as_advisor_batch(kb, tmp_path, run_cli):
    source = tmp_path / "shops.jsonl"
    source.write_bytes(_input(kb, 160))
    expected = tmp_path / "batch.jsonl"
    assert run_cli(["batch", str(source), "-o", str(expected), "-q"]).exit_code == 1  # some lines are bad
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        bag = advise_jsonl(str(source), blocksize=3000, source=str(source))
        assert bag.npartitions > 5  # split into blocks, each numbering its lines from the right place
        lines = bag.compute()
    assert "".join(line + "\n" for line in lines).encode() == expected.read_bytes()
    assert json.loads(lines[3])["line"] == 4 and json.loads(lines[-1])["report_version"] == REPORT_VERSION
    written = tmp_path / "out"
    advise_jsonl(str(source), blocksize=3000).to_textfiles(str(written / "*.jsonl"), last_endline=True,
                                                                 scheduler="sync")
    parts = sorted(written.glob("*.jsonl"), key=lambda p: int(p.stem))
    assert b"".join(p.read_bytes() for p in parts) == expected.read_bytes()


def test_more_than_one_file_is_refused(tmp_path):
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text("{}\n")
    with pytest.raises(ValueError, match="names 2 files"):
        advise_jsonl(str(tmp_path / "*.jsonl"))


def test_keys_on_dask_give_the_bytes_of_batch_keys(kb, tmp_path, run_cli):
    source = tmp_path / "shops.jsonl"
    source.write_bytes(_input(kb, 40))
    expected = tmp_path / "batch.jsonl"
    assert run_cli(["batch", str(source), "-o", str(expected), "-q", "--keys", "diagnosis,next_moves"]).exit_code == 1
    lines = advise_jsonl(str(source), blocksize=3000, keys=["diagnosis", "next_moves"]).compute(scheduler="sync")
    assert "".join(line + "\n" for line in lines).encode() == expected.read_bytes()
    assert set(json.loads(lines[0])) <= {"diagnosis", "next_moves", "line", "error"}
