"""File discovery: recursion, order, filters, symlinks, FIFOs, stdin, usage errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.discover import DiscoveryError, Target, discover

KUBELINT = Path(sys.executable).parent / "kubelint"

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: x
    securityContext:
      privileged: true
"""


def names(targets: list[Target]) -> list[str]:
    return [t.name for t in targets]


def write(path: Path, text: str = POD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_recursive_sorted_and_filtered(tree: Path) -> None:
    for rel in [
        "d/b.yaml",
        "d/a.yml",
        "d/C.JSON",
        "d/sub/z.yaml",
        "d/sub/deeper/y.YAML",
        "d/aa/x.Yml",
        "d/notes.txt",
        "d/README.md",
        "d/yaml",
        "d/x.yaml.bak",
        "d/.hidden.yaml",
        "d/.hidden/h.yaml",
        "d/.git/config.yaml",
        "d/sub/.cache/c.yaml",
    ]:
        write(tree / rel)
    assert names(discover(["d"])) == [
        "d/C.JSON",
        "d/a.yml",
        "d/aa/x.Yml",
        "d/b.yaml",
        "d/sub/deeper/y.YAML",
        "d/sub/z.yaml",
    ]
    # Deterministic: a second run gives the same order.
    assert names(discover(["d"])) == names(discover(["d"]))


def test_targets_carry_paths(tree: Path) -> None:
    write(tree / "d/a.yaml")
    (target,) = discover(["d"])
    assert target.path is not None
    assert target.path.read_text(encoding="utf-8") == POD


def test_display_names_are_normalised(tree: Path) -> None:
    write(tree / "d/a.yaml")
    assert names(discover(["./d/../d/"])) == ["d/a.yaml"]
    assert names(discover(["d/./a.yaml"])) == ["d/a.yaml"]


def test_explicit_file_with_other_extension_is_read(tree: Path) -> None:
    write(tree / "manifest.txt")
    write(tree / ".hidden.yaml")
    assert names(discover(["manifest.txt", ".hidden.yaml"])) == ["manifest.txt", ".hidden.yaml"]
    code, out, _ = run_cli(
        "check", "manifest.txt", "--format", "json", "--select", "privileged-container"
    )
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("manifest.txt", 10, 7)


def test_directory_named_like_a_manifest_is_walked(tree: Path) -> None:
    write(tree / "x.yaml/inner.yml")
    write(tree / "x.yaml/notes.txt")
    assert names(discover(["x.yaml"])) == ["x.yaml/inner.yml"]
    assert names(discover(["."])) == ["x.yaml/inner.yml"]


def test_hidden_directory_named_explicitly_is_walked(tree: Path) -> None:
    write(tree / ".config/k8s/a.yaml")
    write(tree / ".config/k8s/.skip/b.yaml")
    assert names(discover([".config"])) == [".config/k8s/a.yaml"]
    assert names(discover(["."])) == []


def test_command_line_order_and_dedup(tree: Path) -> None:
    write(tree / "b/one.yaml")
    write(tree / "a/two.yaml")
    found = names(discover(["b", "a", "b/one.yaml", "a"]))
    assert found == ["b/one.yaml", "a/two.yaml"]


def test_symlink_loops_terminate(tree: Path) -> None:
    write(tree / "d/a.yaml")
    write(tree / "d/sub/b.yaml")
    (tree / "d/sub/up").symlink_to("..")
    (tree / "d/self").symlink_to(".")
    (tree / "d/sub/abs").symlink_to(str(tree / "d"))
    assert names(discover(["d"])) == ["d/a.yaml", "d/sub/b.yaml"]


def test_mutual_symlink_loop(tree: Path) -> None:
    (tree / "p").mkdir()
    (tree / "q").mkdir()
    write(tree / "p/a.yaml")
    (tree / "p/toq").symlink_to("../q")
    (tree / "q/top").symlink_to("../p")
    assert names(discover(["p"])) == ["p/a.yaml"]


def test_symlinks_inside_the_tree_are_followed_once(tree: Path) -> None:
    write(tree / "d/real/a.yaml")
    (tree / "d/link").symlink_to("real")
    (tree / "d/file.yaml").symlink_to("real/a.yaml")
    (tree / "d/sub").mkdir()
    (tree / "d/sub/back.yaml").symlink_to("../real/a.yaml")
    (tree / "d/sub/abs").symlink_to(tree / "d/real")
    # The directory is walked once, by its first route in sorted order (d/link before
    # d/real); file symlinks are read under their own names, as before.
    assert names(discover(["d"])) == ["d/file.yaml", "d/link/a.yaml", "d/sub/back.yaml"]


def test_dangling_symlinks_are_ignored(tree: Path) -> None:
    write(tree / "d/a.yaml")
    (tree / "d/dangling.yaml").symlink_to("nowhere.yaml")
    (tree / "d/dangling-dir").symlink_to("nowhere")
    assert names(discover(["d"])) == ["d/a.yaml"]


def test_fifo_in_directory_is_skipped(tree: Path) -> None:
    write(tree / "d/a.yaml")
    os.mkfifo(tree / "d/pipe.yaml")
    (tree / "d/link-to-pipe.yaml").symlink_to("pipe.yaml")
    assert names(discover(["d"])) == ["d/a.yaml"]


def test_fifo_in_directory_does_not_hang_the_cli(tree: Path) -> None:
    write(tree / "d/a.yaml")
    os.mkfifo(tree / "d/pipe.yaml")
    proc = subprocess.run(
        [str(KUBELINT), "check", "d", "--format", "json", "--select", "privileged-container"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        cwd=tree,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["file"] for f in report["findings"]] == ["d/a.yaml"]
    assert report["summary"]["files"] == 1


def test_fifo_on_command_line_is_refused(tree: Path) -> None:
    os.mkfifo(tree / "pipe.yaml")
    with pytest.raises(DiscoveryError) as info:
        discover(["pipe.yaml"])
    assert "pipe.yaml" in str(info.value)
    proc = subprocess.run(
        [str(KUBELINT), "check", "pipe.yaml", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        cwd=tree,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert "pipe.yaml" in proc.stderr
    assert "not a regular file" in proc.stderr
    assert proc.stdout == ""


def test_missing_path_is_a_usage_error(tree: Path) -> None:
    write(tree / "good.yaml")
    with pytest.raises(DiscoveryError) as info:
        discover(["good.yaml", "nope/missing.yaml"])
    assert "nope/missing.yaml" in str(info.value)
    code, out, err = run_cli("check", "good.yaml", "nope/missing.yaml", "--format", "json")
    assert code == 2
    assert out == ""
    assert "nope/missing.yaml" in err
    assert "no such file" in err


def test_missing_path_subprocess(tree: Path) -> None:
    proc = subprocess.run(
        [str(KUBELINT), "check", "absent.yaml"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        cwd=tree,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert "absent.yaml" in proc.stderr
    assert proc.stdout == ""


def test_empty_directory_is_clean(tree: Path) -> None:
    (tree / "empty").mkdir()
    assert discover(["empty"]) == []
    code, out, _ = run_cli("check", "empty", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["files"] == 0


def test_stdin_target() -> None:
    targets = discover(["-"], stdin_name="k8s/app.yaml")
    assert targets == [Target("k8s/app.yaml", None)]
    assert discover(["-"]) == [Target("<stdin>", None)]


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_with_filename(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(POD.encode()))
    code, out, _ = run_cli(
        "check",
        "-",
        "--stdin-filename",
        "k8s/app.yaml",
        "--format",
        "json",
        "--select",
        "privileged-container",
    )
    assert code == 1
    report = json.loads(out)
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("k8s/app.yaml", 10, 7)
    assert report["summary"]["files"] == 1


def test_stdin_default_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(POD.encode()))
    code, out, _ = run_cli("check", "-", "--format", "json", "--select", "privileged-container")
    assert code == 1
    assert json.loads(out)["findings"][0]["file"] == "<stdin>"


def test_stdin_alongside_files(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tree / "a.yaml")
    monkeypatch.setattr(sys, "stdin", _Stdin(POD.encode()))
    code, out, _ = run_cli(
        "check",
        "a.yaml",
        "-",
        "--stdin-filename",
        "piped.yaml",
        "--format",
        "json",
        "--select",
        "privileged-container",
    )
    assert code == 1
    assert [f["file"] for f in json.loads(out)["findings"]] == ["a.yaml", "piped.yaml"]


def test_stdin_subprocess(tree: Path) -> None:
    proc = subprocess.run(
        [
            str(KUBELINT),
            "check",
            "-",
            "--stdin-filename",
            "from/pipe.yaml",
            "--format",
            "json",
            "--select",
            "privileged-container",
        ],
        input=POD,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        cwd=tree,
    )
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("from/pipe.yaml", 10, 7)


# Symlinks out of the tree: a pull request can add `creds.yaml -> ~/.aws/credentials`, and a
# parse error's code frame would print the target's lines into the CI log.

SECRET = "AKIA0UTSIDE0SECRET"
CREDENTIALS = f"[default]\naws_access_key_id = {SECRET}\naws_secret_access_key = {SECRET}\n"


@pytest.fixture()
def outside(tree: Path) -> Path:
    """A repository `repo/` with one manifest, beside files that are not part of it."""
    write(tree / "repo/ok.yaml")
    write(tree / "outside/credentials", CREDENTIALS)
    write(tree / "outside/dir/x.yaml", f"# {SECRET}\n{CREDENTIALS}")
    return tree


REPORT_FORMATS = ["text", "json", "sarif", "github"]


def test_file_symlink_out_of_the_tree_is_skipped(outside: Path) -> None:
    (outside / "repo/creds.yaml").symlink_to("../outside/credentials")
    (outside / "repo/absolute.yaml").symlink_to(outside / "outside/credentials")
    assert names(discover(["repo"])) == ["repo/ok.yaml"]
    for fmt in REPORT_FORMATS:
        code, out, err = run_cli("check", "repo", "--format", fmt)
        assert code == 1, err
        assert SECRET not in out + err, fmt
        assert "creds.yaml" not in out + err and "absolute.yaml" not in out + err, fmt
    _, out, _ = run_cli("check", "repo", "--format", "json")
    assert json.loads(out)["summary"]["files"] == 1


def test_a_symlink_named_on_the_command_line_is_read(outside: Path) -> None:
    (outside / "repo/creds.yaml").symlink_to("../outside/credentials")
    assert names(discover(["repo/creds.yaml"])) == ["repo/creds.yaml"]
    # Named explicitly, it is read wherever it points: the code frame shows its line, which is
    # what the test above would see if walking followed the link.
    code, out, _ = run_cli("check", "repo/creds.yaml")
    assert code == 1
    assert f"aws_access_key_id = {SECRET}" in out


def test_a_symlinked_directory_named_on_the_command_line_is_walked(outside: Path) -> None:
    (outside / "repo/vendor").symlink_to("../outside/dir")
    assert names(discover(["repo/vendor"])) == ["repo/vendor/x.yaml"]


def test_directory_symlink_out_of_the_tree_is_skipped(outside: Path) -> None:
    (outside / "repo/vendor").symlink_to("../outside/dir")
    (outside / "repo/sub").mkdir()
    (outside / "repo/sub/top").symlink_to("../..")  # the parent of the tree: outside too
    (outside / "repo/sub/root").symlink_to("/")
    assert names(discover(["repo"])) == ["repo/ok.yaml"]
    for fmt in REPORT_FORMATS:
        code, out, err = run_cli("check", "repo", "--format", fmt)
        assert code == 1, err
        assert SECRET not in out + err, fmt


def test_dot_dot_targets_are_judged_where_they_resolve(outside: Path) -> None:
    write(outside / "repo/real/a.yaml")
    (outside / "repo/a/b").mkdir(parents=True)
    (outside / "repo/a/b/out.yaml").symlink_to("../../../outside/credentials")
    (outside / "repo/a/b/deep.yaml").symlink_to("../../real/../../outside/dir/x.yaml")
    (outside / "repo/a/b/back.yaml").symlink_to("../../../repo/real/a.yaml")  # out and in again
    (outside / "repo/a/b/up").symlink_to("../../../outside")
    assert names(discover(["repo"])) == ["repo/a/b/back.yaml", "repo/ok.yaml", "repo/real/a.yaml"]


def test_the_boundary_is_the_directory_named_on_the_command_line(outside: Path) -> None:
    (outside / "repo/sub").mkdir()
    (outside / "repo/sub/sibling.yaml").symlink_to("../ok.yaml")
    assert names(discover(["repo"])) == ["repo/ok.yaml", "repo/sub/sibling.yaml"]
    assert names(discover(["repo/sub"])) == []


def test_symlink_chains_are_judged_by_their_last_target(outside: Path) -> None:
    write(outside / "repo/real/a.yaml")
    # Leaves the tree and comes back: what is read is inside the tree.
    (outside / "outside/hop.yaml").symlink_to("../repo/real/a.yaml")
    (outside / "repo/hop.yaml").symlink_to("../outside/hop.yaml")
    (outside / "outside/hopdir").symlink_to("../repo/real")
    (outside / "repo/hopdir").symlink_to("../outside/hopdir")
    # Stays inside for a step, then leaves: skipped, and so is the link to the link.
    (outside / "repo/two.yaml").symlink_to("../outside/credentials")
    (outside / "repo/one.yaml").symlink_to("two.yaml")
    assert names(discover(["repo"])) == ["repo/hop.yaml", "repo/hopdir/a.yaml", "repo/ok.yaml"]
    for fmt in REPORT_FORMATS:
        _, out, err = run_cli("check", "repo", "--format", fmt)
        assert SECRET not in out + err, fmt
