#!/usr/bin/env python3
"""kubelint performance benchmark (standard library only; run it with kubelint's interpreter).

Measures, on the same files and interleaved in the same run (the machine is assumed noisy, so
every comparison is a ratio of medians of side-by-side repetitions):

* bare C compose: read each file and compose every document with ruamel's C composer
  (CSafeLoader.check_node/get_node): the floor any ruamel-based Python linter pays;
* kubelint in-process: discover + select_rules + run (+ JSON rendering, timed apart);
* kubelint CLI end to end: `kubelint check DIR --format json` in a subprocess;
* start-up: `kubelint check SMALL.yaml` and `kubelint --version` (and bare `python -c pass`);
* optionally (--peers CHECKOV) checkov's kubernetes framework on one file and on a directory.

See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# The shared corpus sits beside the checkout: ../shared/corpus/real.
REAL_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
SEED = 20240601
MB = 1_000_000
OK_CODES = {0, 1}  # kubelint and checkov: 0 clean, 1 findings; anything else is a failure
# Subprocesses run as from a plain shell: PYTHONUNBUFFERED (set in some CI and container images)
# makes every write to stdout a system call, which is measured apart as its own variant.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
UNBUFFERED_ENV = {**CLEAN_ENV, "PYTHONUNBUFFERED": "1"}


class BenchError(Exception):
    """A subprocess failed or produced unusable output."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr if ARGS_JSON else sys.stdout, flush=True)


ARGS_JSON = False


# --------------------------------------------------------------------------------------------
# Synthetic corpus
# --------------------------------------------------------------------------------------------

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "api",
    "web",
    "worker",
    "cache",
    "queue",
    "auth",
    "billing",
    "search",
    "cart",
    "checkout",
    "payments",
    "orders",
    "users",
    "inventory",
    "catalog",
    "gateway",
    "frontend",
    "backend",
    "metrics",
    "ingest",
    "export",
    "report",
    "notifier",
    "scheduler",
    "mailer",
    "indexer",
    "recommender",
    "shipping",
    "currency",
    "ad",
]
REGISTRIES = (
    "gcr.io/acme-prod",
    "registry.example.com/platform",
    "docker.io/library",
    "quay.io/acme",
)
KINDS_SMALL = ("Deployment", "Service", "ConfigMap", "StatefulSet", "CronJob", "ServiceAccount")


class Gen:
    """Deterministic generator of realistic Kubernetes YAML text."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def name(self, parts: int = 2) -> str:
        return "-".join(self.r.choice(WORDS) for _ in range(parts))

    def image(self, name: str) -> str:
        tag = f"v{self.r.randint(0, 4)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}"
        if self.r.random() < 0.1:
            tag = "latest"
        return f"{self.r.choice(REGISTRIES)}/{name}:{tag}"

    def labels(self, app: str, indent: int, extra: bool = True) -> str:
        pad = " " * indent
        out = [f"{pad}app: {app}", f"{pad}app.kubernetes.io/name: {app}"]
        if extra:
            out.append(f"{pad}app.kubernetes.io/part-of: {self.r.choice(WORDS)}")
            out.append(
                f'{pad}app.kubernetes.io/version: "{self.r.randint(1, 9)}.{self.r.randint(0, 20)}"'
            )
            if self.r.random() < 0.5:
                out.append(f"{pad}team: {self.r.choice(WORDS)}")
        return "\n".join(out)

    def metadata(self, name: str, ns: str, app: str, annotations: bool = True) -> str:
        lines = [
            "metadata:",
            f"  name: {name}",
            f"  namespace: {ns}",
            "  labels:",
            self.labels(app, 4),
        ]
        if annotations and self.r.random() < 0.6:
            lines.append("  annotations:")
            lines.append(
                f'    description: "{self.name(4)} service owned by {self.r.choice(WORDS)}"'
            )
            if self.r.random() < 0.5:
                lines.append('    prometheus.io/scrape: "true"')
                lines.append(f'    prometheus.io/port: "{self.r.choice((8080, 9090, 9102))}"')
        return "\n".join(lines)

    def container(self, app: str, indent: int, idx: int) -> str:
        r = self.r
        p = " " * indent
        cname = (
            app if idx == 0 else f"{app}-{r.choice(('sidecar', 'proxy', 'exporter', 'agent'))}{idx}"
        )
        lines = [f"{p}- name: {cname}", f"{p}  image: {self.image(cname)}"]
        if r.random() < 0.7:
            lines.append(f"{p}  imagePullPolicy: {r.choice(('IfNotPresent', 'Always'))}")
        if r.random() < 0.3:
            lines.append(f'{p}  command: ["/bin/{cname}"]')
            lines.append(f"{p}  args:")
            for _ in range(r.randint(1, 5)):
                lines.append(f"{p}  - --{self.name(2)}={r.randint(1, 1000)}")
        port = r.choice((80, 8080, 8443, 9000, 3000, 5000, 50051))
        lines.append(f"{p}  ports:")
        lines.append(f"{p}  - name: http")
        lines.append(f"{p}    containerPort: {port}")
        lines.append(f"{p}    protocol: TCP")
        if r.random() < 0.8:
            lines.append(f"{p}  env:")
            for _ in range(r.randint(2, 14)):
                key = self.name(3).upper().replace("-", "_")
                roll = r.random()
                if roll < 0.6:
                    lines.append(f"{p}  - name: {key}")
                    lines.append(f'{p}    value: "{r.choice(WORDS)}-{r.randint(0, 99999)}"')
                elif roll < 0.8:
                    lines.append(f"{p}  - name: {key}")
                    lines.append(f"{p}    valueFrom:")
                    lines.append(f"{p}      secretKeyRef:")
                    lines.append(f"{p}        name: {app}-secrets")
                    lines.append(f"{p}        key: {key.lower()}")
                else:
                    lines.append(f"{p}  - name: {key}")
                    lines.append(f"{p}    valueFrom:")
                    lines.append(f"{p}      fieldRef:")
                    lines.append(f"{p}        fieldPath: metadata.namespace")
        if r.random() < 0.75:
            lines.append(f"{p}  resources:")
            lines.append(f"{p}    requests:")
            lines.append(f"{p}      cpu: {r.choice(('50m', '100m', '250m', '500m', '1'))}")
            lines.append(f"{p}      memory: {r.choice(('64Mi', '128Mi', '256Mi', '1Gi'))}")
            if r.random() < 0.7:
                lines.append(f"{p}    limits:")
                lines.append(f"{p}      memory: {r.choice(('128Mi', '512Mi', '2Gi'))}")
                if r.random() < 0.5:
                    lines.append(f"{p}      cpu: {r.choice(('200m', '1', '2'))}")
        for probe in ("readinessProbe", "livenessProbe"):
            if r.random() < 0.6:
                lines.append(f"{p}  {probe}:")
                if r.random() < 0.5:
                    lines.append(f"{p}    httpGet:")
                    lines.append(f"{p}      path: /healthz")
                    lines.append(f"{p}      port: {port}")
                else:
                    lines.append(f"{p}    tcpSocket:")
                    lines.append(f"{p}      port: {port}")
                lines.append(f"{p}    initialDelaySeconds: {r.randint(0, 30)}")
                lines.append(f"{p}    periodSeconds: {r.choice((5, 10, 15))}")
        if r.random() < 0.5:
            lines.append(f"{p}  securityContext:")
            lines.append(f"{p}    allowPrivilegeEscalation: {r.choice(('false', 'false', 'true'))}")
            lines.append(f"{p}    readOnlyRootFilesystem: {r.choice(('true', 'false'))}")
            lines.append(f"{p}    runAsNonRoot: true")
            lines.append(f"{p}    capabilities:")
            lines.append(f"{p}      drop:")
            lines.append(f"{p}      - ALL")
            if r.random() < 0.05:
                lines.append(f"{p}    privileged: true")
        if r.random() < 0.5:
            lines.append(f"{p}  volumeMounts:")
            for v in range(r.randint(1, 3)):
                lines.append(f"{p}  - name: vol-{v}")
                lines.append(f"{p}    mountPath: /etc/{app}/{v}")
                if r.random() < 0.5:
                    lines.append(f"{p}    readOnly: true")
        return "\n".join(lines)

    def pod_spec(self, app: str, indent: int) -> str:
        r = self.r
        p = " " * indent
        lines = []
        if r.random() < 0.5:
            lines.append(f"{p}serviceAccountName: {app}")
        if r.random() < 0.4:
            lines.append(f"{p}securityContext:")
            lines.append(f"{p}  runAsUser: {r.choice((1000, 65532, 0))}")
            lines.append(f"{p}  fsGroup: 2000")
        if r.random() < 0.05:
            lines.append(f"{p}hostNetwork: true")
        if r.random() < 0.3:
            lines.append(f"{p}nodeSelector:")
            lines.append(f"{p}  kubernetes.io/os: linux")
        if r.random() < 0.2:
            lines.append(f"{p}tolerations:")
            lines.append(f"{p}- key: dedicated")
            lines.append(f"{p}  operator: Equal")
            lines.append(f"{p}  value: {r.choice(WORDS)}")
            lines.append(f"{p}  effect: NoSchedule")
        if r.random() < 0.2:
            lines.append(f"{p}initContainers:")
            lines.append(self.container(app + "-init", indent, 0))
        lines.append(f"{p}containers:")
        for idx in range(r.choice((1, 1, 2, 2, 3, 4))):
            lines.append(self.container(app, indent, idx))
        if r.random() < 0.5:
            lines.append(f"{p}volumes:")
            for v in range(r.randint(1, 3)):
                lines.append(f"{p}- name: vol-{v}")
                lines.append(f"{p}  configMap:")
                lines.append(f"{p}    name: {app}-config")
        return "\n".join(lines)

    def deployment(self, app: str, ns: str) -> str:
        r = self.r
        head = [
            "apiVersion: apps/v1",
            "kind: Deployment",
            self.metadata(app, ns, app),
            "spec:",
            f"  replicas: {r.randint(1, 6)}",
        ]
        if r.random() < 0.5:
            head += [
                "  strategy:",
                "    type: RollingUpdate",
                "    rollingUpdate:",
                f"      maxSurge: {r.choice(('25%', '1'))}",
                f"      maxUnavailable: {r.choice(('0', '25%'))}",
            ]
        head += [
            "  selector:",
            "    matchLabels:",
            f"      app: {app}",
            "  template:",
            "    metadata:",
            "      labels:",
            self.labels(app, 8, extra=False),
            "    spec:",
            self.pod_spec(app, 6),
        ]
        return "\n".join(head)

    def statefulset(self, app: str, ns: str) -> str:
        r = self.r
        return "\n".join(
            [
                "apiVersion: apps/v1",
                "kind: StatefulSet",
                self.metadata(app, ns, app),
                "spec:",
                f"  serviceName: {app}",
                f"  replicas: {r.randint(1, 5)}",
                "  selector:",
                "    matchLabels:",
                f"      app: {app}",
                "  template:",
                "    metadata:",
                "      labels:",
                self.labels(app, 8, extra=False),
                "    spec:",
                self.pod_spec(app, 6),
                "  volumeClaimTemplates:",
                "  - metadata:",
                "      name: data",
                "    spec:",
                '      accessModes: ["ReadWriteOnce"]',
                "      resources:",
                "        requests:",
                f"          storage: {r.choice(('1Gi', '10Gi', '100Gi'))}",
            ]
        )

    def cronjob(self, app: str, ns: str) -> str:
        r = self.r
        return "\n".join(
            [
                "apiVersion: batch/v1",
                "kind: CronJob",
                self.metadata(app, ns, app),
                "spec:",
                f'  schedule: "{r.randint(0, 59)} {r.randint(0, 23)} * * *"',
                "  concurrencyPolicy: Forbid",
                "  jobTemplate:",
                "    spec:",
                "      template:",
                "        spec:",
                "          restartPolicy: OnFailure",
                self.pod_spec(app, 10),
            ]
        )

    def service(self, app: str, ns: str) -> str:
        r = self.r
        lines = [
            "apiVersion: v1",
            "kind: Service",
            self.metadata(app, ns, app),
            "spec:",
            f"  type: {r.choice(('ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer'))}",
            "  selector:",
            f"    app: {app}",
            "  ports:",
        ]
        for i in range(r.randint(1, 3)):
            lines += [
                f"  - name: port-{i}",
                f"    port: {r.choice((80, 443, 8080, 9090))}",
                f"    targetPort: {r.choice((8080, 'http', 3000))}",
                "    protocol: TCP",
            ]
        return "\n".join(lines)

    def configmap(self, app: str, ns: str, big: bool = False) -> str:
        r = self.r
        lines = [
            "apiVersion: v1",
            "kind: ConfigMap",
            self.metadata(f"{app}-config", ns, app, annotations=False),
            "data:",
        ]
        for _ in range(r.randint(2, 10)):
            lines.append(
                f'  {self.name(2)}.{r.choice(("enabled", "url", "level"))}: "{r.choice(WORDS)}"'
            )
        nblocks = r.randint(1, 3) if not big else r.randint(4, 12)
        for b in range(nblocks):
            lines.append(f"  config-{b}.{r.choice(('yaml', 'ini', 'properties', 'conf'))}: |")
            for _ in range(r.randint(5, 40) * (8 if big else 1)):
                key, value = f"{self.name(2)}.{r.choice(WORDS)}", r.randint(0, 10**6)
                lines.append(f"    {key} = {value}  # {self.name(3)}")
        return "\n".join(lines)

    def service_account(self, app: str, ns: str) -> str:
        return "\n".join(
            [
                "apiVersion: v1",
                "kind: ServiceAccount",
                self.metadata(app, ns, app, annotations=False),
            ]
        )

    def resource(self, kind: str, app: str, ns: str) -> str:
        return {
            "Deployment": self.deployment,
            "Service": self.service,
            "ConfigMap": self.configmap,
            "StatefulSet": self.statefulset,
            "CronJob": self.cronjob,
            "ServiceAccount": self.service_account,
        }[kind](app, ns)

    def bundle(self, ndocs: int) -> str:
        """A multi-document file: apps made of workload + Service + ConfigMap (+ SA)."""
        r = self.r
        docs: list[str] = []
        ns = r.choice(WORDS)
        while len(docs) < ndocs:
            app = f"{self.name(2)}-{r.randint(0, 999)}"
            workload = r.choices(("Deployment", "StatefulSet", "CronJob"), (6, 2, 2))[0]
            if r.random() < 0.8:
                docs.append(self.configmap(app, ns, big=r.random() < 0.03))
            docs.append(self.resource(workload, app, ns))
            if workload != "CronJob":
                docs.append(self.service(app, ns))
            if r.random() < 0.3:
                docs.append(self.service_account(app, ns))
        header = f"# Generated manifests for namespace {ns}\n# seed-stable synthetic data\n---\n"
        return header + "\n---\n".join(docs) + "\n"

    def file_text(self) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.45:  # one small resource
            app = f"{self.name(2)}-{r.randint(0, 999)}"
            return self.resource(r.choice(KINDS_SMALL), app, r.choice(WORDS)) + "\n"
        if roll < 0.80:  # an app: 2-6 documents
            return self.bundle(r.randint(2, 6))
        if roll < 0.985:  # a release bundle: tens of documents
            return self.bundle(r.randint(8, 40))
        return self.bundle(r.randint(80, 300))  # a rendered chart / kustomize build


def generate_corpus(root: Path, size_bytes: int, seed: int = SEED) -> tuple[int, int]:
    """Write a deterministic synthetic corpus of at least `size_bytes` under root."""
    gen = Gen(seed)
    total = files = 0
    while total < size_bytes:
        text = gen.file_text()
        team = gen.r.randint(0, 19)
        sub = root / f"team-{team:02d}" / gen.name(1)
        sub.mkdir(parents=True, exist_ok=True)
        ext = ".yml" if gen.r.random() < 0.1 else ".yaml"
        path = sub / f"m{files:05d}-{gen.name(1)}{ext}"
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
        files += 1
    return files, total


# --------------------------------------------------------------------------------------------
# Measurement helpers
# --------------------------------------------------------------------------------------------


def corpus_files(root: Path) -> list[Path]:
    from kubelint.discover import discover

    return [t.path for t in discover([str(root)]) if t.path is not None]


def corpus_bytes(files: Sequence[Path]) -> int:
    return sum(p.stat().st_size for p in files)


def bare_compose(files: Sequence[Path]) -> int:
    """Read and C-compose every document of every file; return the number of documents."""
    from ruamel.yaml.cyaml import CSafeLoader

    docs = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        ld = CSafeLoader(text)
        try:
            while ld.check_node():
                ld.get_node()
                docs += 1
        except Exception:
            pass
        finally:
            ld.dispose()
    return docs


def bare_events(files: Sequence[Path]) -> int:
    """Read every file and pull every libyaml event through ruamel's CParser (kubelint's input)."""
    from ruamel.yaml.cyaml import CParser
    from ruamel.yaml.events import StreamEndEvent

    events = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        parser = CParser(text)
        get = parser.get_event
        try:
            while type(get()) is not StreamEndEvent:
                events += 1
        except Exception:
            pass
        finally:
            parser.dispose()
    return events


class InProcess:
    """kubelint's pipeline without the interpreter start-up: discover, select, run, render."""

    def __init__(self) -> None:
        from kubelint.registry import default_registry

        t0 = time.perf_counter()
        self.registry = default_registry()
        self.registry_s = time.perf_counter() - t0

    def run(self, root: Path) -> tuple[float, float, Any]:
        from kubelint.discover import discover
        from kubelint.engine import select_rules
        from kubelint.reporters import ReportOptions
        from kubelint.run import RunOptions, run

        t0 = time.perf_counter()
        targets = discover([str(root)])
        active = select_rules(self.registry)
        result = run(RunOptions(targets, active))
        t1 = time.perf_counter()
        buf = io.StringIO()
        self.registry.reporters["json"]().render(result, buf, ReportOptions(color=False))
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, result


def run_cmd(
    cmd: Sequence[str],
    ok: set[int] = OK_CODES,
    out_path: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 3600,
) -> tuple[float, bytes]:
    """Run a command; return (wall seconds, stdout). Raise BenchError on a bad exit code."""
    env = CLEAN_ENV if env is None else env
    t0 = time.perf_counter()
    if out_path is not None:
        with out_path.open("wb") as handle:
            proc = subprocess.run(
                cmd, stdout=handle, stderr=subprocess.PIPE, env=env, timeout=timeout, check=False
            )
        out = b""
    else:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=False)
        out = proc.stdout
    wall = time.perf_counter() - t0
    if proc.returncode not in ok:
        err = proc.stderr.decode("utf-8", "replace")[-2000:]
        raise BenchError(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, out


def interleave(tasks: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Run every task once per round, rotating the order each round; return all timings."""
    names = list(tasks)
    times: dict[str, list[float]] = {n: [] for n in names}
    for rnd in range(repeat):
        k = rnd % len(names)
        for name in names[k:] + names[:k]:
            gc.collect()
            times[name].append(tasks[name]())
    return times


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def paired_ratio(num: Sequence[float], den: Sequence[float]) -> float:
    """Median of the per-round ratios (each pair measured side by side)."""
    return statistics.median(a / b for a, b in zip(num, den, strict=True))


def fmt_times(xs: Sequence[float]) -> str:
    return f"median {med(xs):.3f}s (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


# --------------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------------


def bench_corpus(
    label: str, root: Path, kubelint: str, repeat: int, inproc: InProcess, scratch: Path
) -> dict[str, Any]:
    files = corpus_files(root)
    nbytes = corpus_bytes(files)
    log(f"\n== {label}: {root} ({len(files)} files, {nbytes / MB:.2f} MB) ==")
    for path in files:  # warm the page cache so every variant reads from memory
        path.read_bytes()
    out_json = scratch / f"{label}-cli.json"
    stats: dict[str, Any] = {}

    # A first, untimed CLI run checks that kubelint works on this corpus and records counts.
    run_cmd([kubelint, "check", str(root), "--format", "json"], out_path=out_json)
    try:
        report = json.loads(out_json.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BenchError(f"kubelint printed no valid JSON report for {root}: {exc}") from None
    stats["findings"] = len(report.get("findings", []))
    stats["summary"] = report.get("summary")

    render_times: list[float] = []
    docs_holder: list[int] = []

    def t_bare() -> float:
        t0 = time.perf_counter()
        docs_holder.append(bare_compose(files))
        return time.perf_counter() - t0

    def t_events() -> float:
        t0 = time.perf_counter()
        bare_events(files)
        return time.perf_counter() - t0

    def t_inproc() -> float:
        run_s, render_s, result = inproc.run(root)
        render_times.append(render_s)
        del result
        return run_s

    cli_cmd = [kubelint, "check", str(root), "--format", "json"]

    def t_cli() -> float:
        return run_cmd(cli_cmd, out_path=out_json)[0]

    def t_cli_unbuffered() -> float:
        return run_cmd(cli_cmd, out_path=out_json, env=UNBUFFERED_ENV)[0]

    times = interleave(
        {
            "bare_compose": t_bare,
            "bare_events": t_events,
            "kubelint_inproc": t_inproc,
            "kubelint_cli": t_cli,
            "kubelint_cli_unbuffered": t_cli_unbuffered,
        },
        repeat,
    )
    bare, inp, cli = times["bare_compose"], times["kubelint_inproc"], times["kubelint_cli"]
    events, unbuf = times["bare_events"], times["kubelint_cli_unbuffered"]
    inp_total = [a + b for a, b in zip(inp, render_times, strict=True)]
    stats.update(
        {
            "files": len(files),
            "bytes": nbytes,
            "documents": docs_holder[0] if docs_holder else None,
            "repeat": repeat,
            "times_s": {**times, "kubelint_render_json": render_times},
            "median_s": {k: med(v) for k, v in times.items()}
            | {"kubelint_render_json": med(render_times)},
            "mb_per_s": {
                "bare_compose": nbytes / MB / med(bare),
                "bare_events": nbytes / MB / med(events),
                "kubelint_inproc": nbytes / MB / med(inp),
                "kubelint_inproc_with_render": nbytes / MB / med(inp_total),
                "kubelint_cli": nbytes / MB / med(cli),
                "kubelint_cli_unbuffered": nbytes / MB / med(unbuf),
            },
            "ratio": {
                "inproc_over_bare": paired_ratio(inp, bare),
                "inproc_with_render_over_bare": paired_ratio(inp_total, bare),
                "cli_over_bare": paired_ratio(cli, bare),
                "events_over_bare": paired_ratio(events, bare),
                "inproc_over_events": paired_ratio(inp, events),
                "cli_unbuffered_over_cli": paired_ratio(unbuf, cli),
            },
        }
    )
    mbs = stats["mb_per_s"]
    log(f"  documents: {stats['documents']}, findings: {stats['findings']}, rounds: {repeat}")
    log(f"  bare C compose      : {fmt_times(bare)}  {mbs['bare_compose']:.2f} MB/s")
    log(f"  bare C parse events : {fmt_times(events)}  {mbs['bare_events']:.2f} MB/s")
    log(
        f"  kubelint in-process : {fmt_times(inp)}  {mbs['kubelint_inproc']:.2f} MB/s"
        f"  (+ JSON render median {med(render_times):.3f}s)"
    )
    log(f"  kubelint CLI        : {fmt_times(cli)}  {mbs['kubelint_cli']:.2f} MB/s")
    log(f"  CLI, PYTHONUNBUFFERED=1: {fmt_times(unbuf)}  {mbs['kubelint_cli_unbuffered']:.2f} MB/s")
    r = stats["ratio"]
    log(
        "  ratio kubelint/bare-compose (median of paired rounds):"
        f" in-process {r['inproc_over_bare']:.2f}x,"
        f" in-process+render {r['inproc_with_render_over_bare']:.2f}x,"
        f" CLI {r['cli_over_bare']:.2f}x"
    )
    log(
        f"  ratio bare-events/bare-compose {r['events_over_bare']:.2f}x;"
        f" kubelint in-process/bare-events {r['inproc_over_events']:.2f}x;"
        f" CLI unbuffered/buffered {r['cli_unbuffered_over_cli']:.2f}x"
    )
    return stats


def bench_formats(kubelint: str, root: Path, repeat: int, scratch: Path) -> dict[str, Any]:
    """Text (plain and coloured) against JSON on one corpus, side by side; target <= 1.10."""
    log(f"\n== report formats: {root} ==")
    base = [kubelint, "check", str(root), "--no-config"]
    variants = {
        "json": [*base, "-f", "json"],
        "text": [*base, "--color", "never"],
        "text-colour": [*base, "--color", "always"],
    }

    def task(cmd: list[str], name: str) -> Callable[[], float]:
        return lambda: run_cmd(cmd, out_path=scratch / f"format-{name}.out")[0]

    times = interleave({n: task(c, n) for n, c in variants.items()}, repeat)
    stats: dict[str, Any] = {n: med(t) for n, t in times.items()}
    for name in ("text", "text-colour"):
        ratio = paired_ratio(times[name], times["json"])
        stats[f"{name}_over_json"] = ratio
        verdict = "ok" if ratio <= 1.10 else "MISSED"
        log(f"  {name:12} / json: {ratio:.3f}x (target <= 1.10: {verdict})")
    for name, xs in times.items():
        log(f"  {name:12} {fmt_times(xs)}")
    return stats


def bench_startup(kubelint: str, small: Path, runs: int, scratch: Path) -> dict[str, Any]:
    log(f"\n== start-up ({runs} interleaved rounds) ==")
    # An editable checkout run with PYTHONDONTWRITEBYTECODE=1 recompiles kubelint's modules at
    # every start; an installed wheel has them compiled. Measure both (bytecode kept in scratch).
    pyc_env = {k: v for k, v in CLEAN_ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    pyc_env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    small_cmd = [kubelint, "check", str(small), "--format", "json"]
    run_cmd(small_cmd, env=pyc_env)  # fills the bytecode cache
    tasks = {
        "python_c_pass": lambda: run_cmd([sys.executable, "-c", "pass"], ok={0})[0],
        "kubelint_version": lambda: run_cmd([kubelint, "--version"], ok={0})[0],
        "kubelint_check_small": lambda: run_cmd(small_cmd)[0],
        "kubelint_check_small_pyc": lambda: run_cmd(small_cmd, env=pyc_env)[0],
    }
    times = interleave(tasks, runs)
    for name, xs in times.items():
        log(f"  {name:24s}: {fmt_times(xs)}")
    log(
        f"  ratio check-small / python -c pass: "
        f"{paired_ratio(times['kubelint_check_small'], times['python_c_pass']):.2f}x;"
        f" --version / python -c pass: "
        f"{paired_ratio(times['kubelint_version'], times['python_c_pass']):.2f}x;"
        " check-small with cached bytecode / without: "
        f"{paired_ratio(times['kubelint_check_small_pyc'], times['kubelint_check_small']):.2f}x"
    )
    return {"runs": runs, "times_s": times, "median_s": {k: med(v) for k, v in times.items()}}


def checkov_env() -> dict[str, str]:
    env = dict(CLEAN_ENV)
    # No network here: keep checkov from phoning home for versions or guidelines.
    env.setdefault("CHECKOV_SKIP_VERSION_CHECK", "true")  # honoured by some versions
    env.setdefault("BC_SKIP_MAPPING", "TRUE")
    env.setdefault("ENABLE_SECRETS_SCAN_ALL_FILES", "false")
    env.setdefault("LOG_LEVEL", "ERROR")
    return env


def bench_peers(
    checkov: str, kubelint: str, single: Path, directory: Path, repeat: int
) -> dict[str, Any]:
    env = checkov_env()
    base = [
        checkov,
        "--framework",
        "kubernetes",
        "--quiet",
        "--compact",
        "-o",
        "json",
        "--skip-download",
    ]
    out: dict[str, Any] = {"checkov": checkov}
    for label, kl_cmd, ck_cmd in (
        (
            "single_file",
            [kubelint, "check", str(single), "--format", "json"],
            [*base, "-f", str(single)],
        ),
        (
            "directory",
            [kubelint, "check", str(directory), "--format", "json"],
            [*base, "-d", str(directory)],
        ),
    ):
        target = single if label == "single_file" else directory
        log(f"\n== peers: {label} {target} ({repeat} interleaved rounds) ==")
        _, ck_out = run_cmd(ck_cmd, env=env)  # untimed check that checkov works
        checks = _checkov_counts(ck_out)
        times = interleave(
            {
                "kubelint": lambda c=kl_cmd: run_cmd(c)[0],
                "checkov": lambda c=ck_cmd: run_cmd(c, env=env)[0],
            },
            repeat,
        )
        ratio = paired_ratio(times["checkov"], times["kubelint"])
        log(f"  kubelint: {fmt_times(times['kubelint'])}")
        log(f"  checkov : {fmt_times(times['checkov'])}  ({checks})")
        log(f"  ratio checkov/kubelint (median of paired rounds): {ratio:.1f}x")
        out[label] = {
            "target": str(target),
            "repeat": repeat,
            "times_s": times,
            "median_s": {k: med(v) for k, v in times.items()},
            "checkov_over_kubelint": ratio,
            "checkov_summary": checks,
        }
    return out


def _checkov_counts(raw: bytes) -> str:
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return "checkov output not JSON"
    reports = data if isinstance(data, list) else [data]
    failed = passed = 0
    for rep in reports:
        summary = rep.get("summary", {}) if isinstance(rep, dict) else {}
        failed += int(summary.get("failed", 0))
        passed += int(summary.get("passed", 0))
    return f"checkov: {failed} failed / {passed} passed checks"


def profile(root: Path, top: int) -> None:
    """cProfile one in-process run over root and print the top functions."""
    import cProfile
    import pstats

    from kubelint.discover import discover
    from kubelint.engine import select_rules
    from kubelint.registry import default_registry
    from kubelint.run import RunOptions, run

    registry = default_registry()
    active = select_rules(registry)
    prof = cProfile.Profile()
    prof.enable()
    run(RunOptions(discover([str(root)]), active))
    prof.disable()
    for key in ("tottime", "cumulative"):
        log(f"\n== cProfile of kubelint in-process run over {root}, top {top} by {key} ==")
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(top)
        log(buf.getvalue())


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

SMALL_FILE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
"""


def default_kubelint() -> str:
    local = Path(sys.executable).parent / "kubelint"
    if local.exists():
        return str(local)
    found = shutil.which("kubelint")
    if not found:
        raise BenchError("kubelint executable not found; pass --kubelint")
    return found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size-mb", type=float, default=50.0, help="synthetic corpus size (default 50)")
    p.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="interleaved rounds per corpus measurement (default 5; 1 with --quick)",
    )
    p.add_argument("--startup-runs", type=int, default=None, help="start-up rounds (default 10)")
    p.add_argument("--quick", action="store_true", help="smoke run: 2 MB corpus, few rounds")
    p.add_argument("--json", action="store_true", help="print machine-readable results on stdout")
    p.add_argument("--kubelint", default=None, help="kubelint executable (default: next to python)")
    p.add_argument("--real", type=Path, default=REAL_CORPUS, help="real corpus directory")
    p.add_argument(
        "--synthetic-dir",
        type=Path,
        default=None,
        help="generate the synthetic corpus here and keep it (default: a temp dir)",
    )
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument(
        "--peers",
        metavar="CHECKOV_BIN",
        default=None,
        help="also time checkov (--framework kubernetes) side by side",
    )
    p.add_argument(
        "--peers-dir",
        type=Path,
        default=None,
        help="directory for the peer comparison (default: the real corpus)",
    )
    p.add_argument(
        "--peers-file",
        type=Path,
        default=None,
        help="single file for the peer comparison (default: a real multi-doc file)",
    )
    p.add_argument("--peers-repeat", type=int, default=None, help="peer rounds (default 3)")
    p.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=0,
        help="only cProfile kubelint in-process on the synthetic corpus; print the top N",
    )
    p.add_argument("--skip-synthetic", action="store_true", help="do not run the synthetic corpus")
    p.add_argument(
        "--formats",
        type=Path,
        default=REAL_CORPUS.parent / "ecosystem",
        help="corpus for text-versus-JSON report timing (default: ../shared/corpus/ecosystem)",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    global ARGS_JSON  # noqa: PLW0603
    args = parse_args(argv)
    ARGS_JSON = args.json
    if args.quick:
        args.size_mb = min(args.size_mb, 2.0)
    repeat = args.repeat or (1 if args.quick else 5)
    startup_runs = args.startup_runs or (3 if args.quick else 10)
    peers_repeat = args.peers_repeat or (1 if args.quick else 3)
    try:
        from ruamel.yaml.cyaml import CSafeLoader  # noqa: F401 - the C extension must be there

        import kubelint
    except ImportError as exc:
        print(
            f"bench: run me with kubelint's interpreter (with ruamel.yaml.clib): {exc}",
            file=sys.stderr,
        )
        return 2
    results: dict[str, Any] = {
        "kubelint_version": kubelint.__version__,
        "git": _git_state(Path(kubelint.__file__).resolve().parent.parent),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "mb": "1 MB = 10^6 bytes",
        "caller_pythonunbuffered": os.environ.get("PYTHONUNBUFFERED"),
    }
    try:
        kl = args.kubelint or default_kubelint()
        log(
            f"kubelint {kubelint.__version__} {results['git'] or ''} ({kl}), "
            f"python {results['python']}, "
            f"{os.cpu_count()} CPUs; times are wall clock, ratios are medians of paired rounds"
        )
        with tempfile.TemporaryDirectory(prefix="kubelint-bench-") as tmp:
            scratch = Path(tmp)
            if args.profile:
                profile(ensure_synthetic(args, scratch), args.profile)
                return 0
            inproc = InProcess()
            results["registry_build_s"] = inproc.registry_s
            small = scratch / "small.yaml"
            small.write_text(SMALL_FILE, encoding="utf-8")

            if args.real.is_dir():
                results["real"] = bench_corpus("real", args.real, kl, repeat, inproc, scratch)
            else:
                log(f"\n== real corpus: {args.real} is absent; skipped ==")
                results["real"] = None

            synth: Path | None = None
            if not args.skip_synthetic:
                synth = ensure_synthetic(args, scratch)
            if synth is not None:
                results["synthetic"] = bench_corpus("synthetic", synth, kl, repeat, inproc, scratch)

            results["startup"] = bench_startup(kl, small, startup_runs, scratch)
            if args.formats.is_dir():
                results["formats"] = bench_formats(kl, args.formats, repeat, scratch)
            else:
                log(f"\n== report formats: {args.formats} is absent; skipped ==")

            if args.peers:
                pdir = args.peers_dir or (args.real if args.real.is_dir() else synth)
                pfile = args.peers_file or _pick_single(args.real, small)
                if pdir is None:
                    raise BenchError("no directory for --peers; pass --peers-dir")
                results["peers"] = bench_peers(args.peers, kl, pfile, pdir, peers_repeat)
    except (BenchError, subprocess.TimeoutExpired) as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 0


def ensure_synthetic(args: argparse.Namespace, scratch: Path) -> Path:
    """Generate the synthetic corpus, or reuse one made with the same seed and size."""
    synth: Path = args.synthetic_dir or scratch / "synthetic"
    size = int(args.size_mb * MB)
    stamp = synth / ".bench-corpus"  # dot-files are not linted
    want = f"seed={args.seed} bytes>={size} generator=1\n"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == want:
        log(f"\n(reusing synthetic corpus in {synth})")
        return synth
    if synth.exists() and any(synth.iterdir()):
        raise BenchError(f"{synth} is not empty and was not made with these settings")
    t0 = time.perf_counter()
    nfiles, nbytes = generate_corpus(synth, size, args.seed)
    stamp.write_text(want, encoding="utf-8")
    log(
        f"\n(generated {nfiles} files, {nbytes / MB:.1f} MB in {synth}, seed "
        f"{args.seed}, {time.perf_counter() - t0:.1f}s)"
    )
    return synth


def _git_state(repo: Path) -> str | None:
    """HEAD commit of the kubelint checkout (+ '-dirty'), or None outside git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "kubelint"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("-dirty" if dirty else "")


def _pick_single(real: Path, fallback: Path) -> Path:
    """A typical multi-document release manifest from the real corpus, else the small file."""
    candidate = real / "microservices-demo" / "release" / "kubernetes-manifests.yaml"
    return candidate if candidate.is_file() else fallback


if __name__ == "__main__":
    sys.exit(main())
