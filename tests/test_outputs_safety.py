"""Reports that cannot be written: full disks, closed streams, broken pipes, clobbered files."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import pytest

from kubelint.cli import main
from kubelint.model import RunResult
from kubelint.outputs import Destination, GuardedStream, write_atomically, write_reports
from kubelint.reporters import ReportOptions
from kubelint.reporters.json import JsonReporter

ROOT = Path(__file__).resolve().parent.parent
POD = (ROOT / "tests/fixtures/project/pod.yaml").read_text()
CLEAN = (ROOT / "tests/fixtures/clean/app.yaml").read_text()
FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "--no-config", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def run_process(
    cwd: Path, *args: str, preexec: Callable[[], None] | None = None, **streams: object
) -> subprocess.CompletedProcess[bytes]:
    """Run kubelint as a process, with its standard streams as the test sets them up."""
    proc: subprocess.CompletedProcess[bytes] = subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-m", "kubelint", "check", "--no-config", "--color", "never", *args],
        cwd=cwd,
        preexec_fn=preexec,
        timeout=60,
        check=False,
        **streams,
    )
    return proc


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "app.yaml").write_text(CLEAN)
    return tmp_path


# --- standard output that cannot take the report ---------------------------------------------


@needs_dev_full
@pytest.mark.parametrize("name", ["pod.yaml", "app.yaml"])  # findings, and a short clean report
def test_full_disk_on_stdout_is_exit_two_with_one_line(work: Path, name: str) -> None:
    with FULL.open("w") as full:
        proc = run_process(work, name, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 2
    assert (
        proc.stderr
        == b"kubelint: error: cannot write the report to stdout: No space left on device\n"
    )


@needs_dev_full
def test_full_disk_on_an_output_file(work: Path) -> None:
    proc = run_process(work, "pod.yaml", "-f", "json", "-o", str(FULL), capture_output=True)
    assert proc.returncode == 2
    assert (
        proc.stderr
        == b"kubelint: error: cannot write the report to /dev/full: No space left on device\n"
    )
    assert stat.S_ISCHR(FULL.stat().st_mode)  # a device is written to, never replaced


def test_closed_stdout_is_exit_two_with_one_line(work: Path) -> None:
    proc = run_process(work, "pod.yaml", preexec=lambda: os.close(1), stderr=subprocess.PIPE)
    assert proc.returncode == 2
    assert (
        proc.stderr == b"kubelint: error: cannot write the report to stdout: Bad file descriptor\n"
    )


def test_closed_stdout_does_not_matter_when_every_report_goes_to_a_file(work: Path) -> None:
    proc = run_process(
        work,
        "pod.yaml",
        "-f",
        "json",
        "-o",
        "r.json",
        preexec=lambda: os.close(1),
        stderr=subprocess.PIPE,
    )
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert json.loads((work / "r.json").read_text())["summary"]["findings"] > 0


def test_broken_pipe_is_quiet_and_never_a_clean_exit(work: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # The reader is gone before kubelint writes: every write is EPIPE.
    try:
        proc = run_process(work, "pod.yaml", "app.yaml", stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (2, b"")


def test_broken_pipe_still_writes_the_other_reports(work: Path) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        proc = run_process(
            work,
            "pod.yaml",
            "-f",
            "text",
            "-f",
            "sarif",
            "-o",
            "-",
            "-o",
            "k.sarif",
            stdout=write,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (2, b"")
    assert json.loads((work / "k.sarif").read_text())["version"] == "2.1.0"


@pytest.mark.parametrize("command", [["rules"], ["explain", "bare-pod"]])
def test_other_commands_on_a_closed_stdout(work: Path, command: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint", *command],
        cwd=work,
        preexec_fn=lambda: os.close(1),
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr == b"kubelint: error: cannot write the report to stdout: Bad file descriptor\n"
    )


# --- standard error that cannot take messages -------------------------------------------------


def _close_stdout_and_stderr() -> None:
    os.close(1)
    os.close(2)


def test_closed_stdout_and_stderr(work: Path) -> None:
    proc = run_process(work, "pod.yaml", preexec=_close_stdout_and_stderr)
    assert proc.returncode == 2


def test_closed_stderr_keeps_the_runs_exit_code(work: Path) -> None:
    (work / "empty").mkdir()  # its warning goes to a closed stderr
    proc = run_process(
        work, "empty", "app.yaml", preexec=lambda: os.close(2), stdout=subprocess.PIPE
    )
    assert proc.returncode == 0
    assert proc.stdout.endswith(b"No problems found (1 file, 2 objects checked).\n")


@needs_dev_full
def test_full_stderr_keeps_the_runs_exit_code(work: Path) -> None:
    (work / "empty").mkdir()
    with FULL.open("w") as full:
        proc = run_process(work, "empty", "app.yaml", stdout=subprocess.PIPE, stderr=full)
    assert proc.returncode == 0
    assert proc.stdout.endswith(b"No problems found (1 file, 2 objects checked).\n")


def test_guarded_stream_records_the_first_failure_and_drops_the_rest() -> None:
    closed = io.StringIO()
    closed.close()
    stream = GuardedStream(closed)
    assert stream.write("report") == 6
    assert stream.failure is not None and stream.failure.strerror == "Bad file descriptor"
    assert not stream.broken_pipe
    none = GuardedStream(None)
    none.flush()
    assert none.failure is None  # nothing was written, so nothing was lost
    none.write("x")
    assert none.failure is not None
    assert not none.isatty()


# --- two reports, or a report and an input, in one file ---------------------------------------


@pytest.mark.parametrize("second", ["./a.json", "sub/../a.json", "link.json", "{tmp}/a.json"])
def test_two_outputs_naming_one_file(
    work: Path, monkeypatch: pytest.MonkeyPatch, second: str
) -> None:
    monkeypatch.chdir(work)
    (work / "sub").mkdir()
    (work / "link.json").symlink_to("a.json")
    second = second.format(tmp=work)
    code, out, err = run_cli("pod.yaml", "-f", "json", "-o", "a.json", "-f", "sarif", "-o", second)
    assert (code, out) == (2, "")
    assert err == (
        f"kubelint: error: two formats write to the same --output file: a.json and {second}\n"
    )
    assert not (work / "a.json").exists()


def test_two_outputs_hard_linked_to_one_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(work)
    (work / "a.json").write_text("{}")
    os.link(work / "a.json", work / "b.json")
    code, _, err = run_cli("pod.yaml", "-f", "json", "-o", "a.json", "-f", "sarif", "-o", "b.json")
    assert code == 2
    assert "same --output file: a.json and b.json" in err
    assert (work / "a.json").read_text() == "{}"


@pytest.mark.parametrize("output", ["pod.yaml", "./pod.yaml", "link.yaml"])
def test_output_that_is_a_linted_file(
    work: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    monkeypatch.chdir(work)
    (work / "link.yaml").symlink_to("pod.yaml")
    code, out, err = run_cli("pod.yaml", "-o", output)
    assert (code, out) == (2, "")
    assert (
        err
        == f"kubelint: error: --output {output} would overwrite pod.yaml, which this run reads\n"
    )
    assert (work / "pod.yaml").read_text() == POD


def test_output_that_is_the_baseline(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(work)
    assert main(["check", "--no-config", "pod.yaml", "--write-baseline", "base.json"]) == 0
    before = (work / "base.json").read_text()
    code, _, err = run_cli("pod.yaml", "--baseline", "base.json", "-f", "json", "-o", "base.json")
    assert code == 2
    assert "--output base.json would overwrite base.json, which this run reads" in err
    assert (work / "base.json").read_text() == before


def test_output_inside_a_linted_directory(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(work)
    (work / "deploy").mkdir()
    (work / "deploy/pod.yaml").write_text(POD)
    code, _, err = run_cli("deploy", "-f", "json", "-o", "deploy/../deploy/report.json")
    assert code == 2
    assert err == (
        "kubelint: error: --output deploy/../deploy/report.json is inside the linted directory "
        "deploy, so the report would be read as a manifest; write it elsewhere or exclude it in "
        "the configuration\n"
    )
    assert not (work / "deploy/report.json").exists()
    code, _, err = run_cli(".", "-f", "json", "-o", "deploy/pod.yaml")
    assert code == 2
    assert "would overwrite deploy/pod.yaml, which this run reads" in err


@pytest.mark.parametrize("output", ["report.sarif", ".report.json", ".cache/report.json"])
def test_output_in_a_linted_directory_that_discovery_skips(
    work: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    monkeypatch.chdir(work)
    (work / ".cache").mkdir()
    code, _, err = run_cli(".", "-f", "json", "-o", output)
    assert (code, err) == (1, "")
    assert json.loads((work / output).read_text())["summary"]["files"] == 2


def test_output_excluded_by_the_configuration(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(work)
    (work / ".kubelint.yaml").write_text("exclude: [reports/]\n")
    (work / "reports").mkdir()
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", ".", "-f", "json", "-o", "reports/k.json"], out, err)
    assert (code, err.getvalue()) == (1, "")
    assert (work / "reports/k.json").exists()


# --- report files are replaced whole, or not at all -------------------------------------------


class _Crash(JsonReporter):
    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        stream.write('{"half": ')
        stream.flush()
        raise RuntimeError("reporter bug")


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_reporter_crash_leaves_the_previous_report(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    (work / "out").mkdir()
    (work / "out/k.json").write_text("previous\n")
    monkeypatch.setattr("kubelint.reporters.json.JsonReporter.render", _Crash.render)
    code, _, err = run_cli("pod.yaml", "-f", "json", "-o", "out/k.json")
    assert code == 3 and "reporter bug" in err
    assert (work / "out/k.json").read_text() == "previous\n"
    assert _leftovers(work / "out") == ["k.json"]


def test_a_write_error_mid_report_leaves_the_previous_report(tmp_path: Path) -> None:
    report = tmp_path / "k.json"
    report.write_text("previous\n")

    def fail(stream: TextIO) -> None:
        stream.write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(str(report), fail)
    assert report.read_text() == "previous\n"
    assert _leftovers(tmp_path) == ["k.json"]


def test_one_unwritable_output_does_not_cost_the_others(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    args = ["pod.yaml", "-f", "json", "-o", "missing/k.json", "-f", "sarif", "-o", "k.sarif"]
    code, _, err = run_cli(*args)
    assert code == 2
    assert err == (
        "kubelint: error: cannot write the report to missing/k.json: missing is not a directory\n"
    )
    assert json.loads((work / "k.sarif").read_text())["version"] == "2.1.0"


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_report_gets_the_permissions_open_would_give(
    tmp_path: Path, mask: int, mode: int
) -> None:
    with _umask(mask):
        write_atomically(str(tmp_path / "k.json"), lambda s: s.write("{}"))
    assert stat.S_IMODE((tmp_path / "k.json").stat().st_mode) == mode


def test_a_replaced_report_keeps_its_permissions(tmp_path: Path) -> None:
    report = tmp_path / "k.json"
    report.write_text("previous")
    report.chmod(0o640)
    with _umask(0o077):
        write_atomically(str(report), lambda s: s.write("new"))
    assert report.read_text() == "new"
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_a_symlinked_report_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("previous")
    (tmp_path / "link.json").symlink_to("real.json")
    write_atomically(str(tmp_path / "link.json"), lambda s: s.write("new"))
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "real.json").read_text() == "new"


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "report"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    write_atomically(str(fifo), lambda s: s.write("report\n"))
    reader.join(timeout=10)
    assert received == ["report\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_stdout_as_an_output_is_the_descriptor_not_a_file(work: Path) -> None:
    piped = run_process(work, "app.yaml", "-f", "json", "-o", "/dev/stdout", capture_output=True)
    assert (piped.returncode, piped.stderr) == (0, b"")
    assert json.loads(piped.stdout)["summary"]["files"] == 1
    with (work / "redirected.json").open("w") as redirected:
        proc = run_process(work, "app.yaml", "-f", "json", "-o", "/dev/stdout", stdout=redirected)
        # Written through the shell's descriptor: the file is the one it opened, not a new one.
        assert os.fstat(redirected.fileno()).st_ino == (work / "redirected.json").stat().st_ino
    assert proc.returncode == 0
    assert json.loads((work / "redirected.json").read_text())["summary"]["files"] == 1
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]


def test_a_directory_that_takes_no_new_file_gets_the_report_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "k.json"
    report.write_text("previous")

    def refuse(target: Path) -> tuple[Path, int]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kubelint.outputs._create_temp", refuse)
    write_atomically(str(report), lambda s: s.write("new"))
    assert report.read_text() == "new"
    with pytest.raises(PermissionError):
        write_atomically(str(tmp_path / "fresh.json"), lambda s: s.write("new"))


def test_write_reports_returns_every_failure(tmp_path: Path) -> None:
    result = RunResult.__new__(RunResult)  # never rendered: both destinations fail first
    destinations = [
        Destination("json", str(tmp_path / "a" / "k.json")),
        Destination("json", str(tmp_path / "b" / "k.json")),
    ]
    failures = write_reports(
        result,
        destinations,
        {"json": JsonReporter},
        io.StringIO(),
        ReportOptions(),
        color=False,
    )
    assert failures == [
        f"cannot write the report to {tmp_path}/a/k.json: {tmp_path}/a is not a directory",
        f"cannot write the report to {tmp_path}/b/k.json: {tmp_path}/b is not a directory",
    ]
