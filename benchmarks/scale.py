"""Scale-out: count tables of ALARM mixtures from Parquet partitions, pandas vs streaming vs Dask.

For each size (10^6 rows by default; ``--full`` adds 10^7 and 10^8) a mixture of hard interventions on ALARM
(37 variables, bundled with pgmpy, read offline) is sampled chunk by chunk with the vectorised sampler and
written as Parquet partitions of ``--partition-rows`` rows (dictionary-encoded state names, the way event data
usually sit in Parquet); all rows are never in memory at once. The files are kept in ``benchmarks/out/scale-data``
and reused.

Timings on a shared machine are noisy, so CPU seconds (user + system of the child and its descendants, from the
start of the timed region; Dask's workers included) are reported next to wall time; Dask's cluster start-up is
reported apart from the counting time (its CPU is included in CPU s).

Each method then reduces the same files to the count table, in its own child process, and we record wall time
and peak memory (resident set size summed over the child and all its descendants -- Dask's scheduler and
workers included -- sampled every 50 ms with psutil; plus the largest single process's ``ru_maxrss``):

* ``read``: one plain pass over the files (pyarrow batches converted to pandas, then dropped): the I/O floor;
* ``pandas``: ``pd.read_parquet`` of everything, then ``CountTable.from_frame`` (only up to ``--pandas-max`` rows);
* ``streaming``: ``to_count_table('part-*.parquet')`` (pyarrow batches of ``--chunksize`` rows);
* ``dask-1``, ``dask-2``: ``to_count_table(dd.read_parquet(...))`` on a ``LocalCluster`` of 1 or 2 worker
  processes (one thread each).

Every method's table is checked identical (codes, weights, row count) to the first one's.

Run::

    nice -n 10 python benchmarks/scale.py              # 10^6 rows
    nice -n 10 python benchmarks/scale.py --full       # 10^6, 10^7, 10^8 rows
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
DATA = OUT / "scale-data"
METHODS = ("read", "pandas", "streaming", "dask-1", "dask-2")
SEED = 2020


# ----------------------------------------------------------------------------------------------- data
def alarm():
    from pgmpy_mixture.model.examples import load_example_network

    return load_example_network("alarm")


def mixture(network):
    from pgmpy_mixture.discrete.simulate import random_mixture

    return random_mixture(network, n_targets=8, max_target_size=3, rng=SEED)


def write_dataset(n_rows: int, partition_rows: int) -> Path:
    """Parquet partitions of an ALARM mixture, generated one partition at a time (reused when present)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pgmpy_mixture.discrete.simulate import sample_mixture

    folder = DATA / f"alarm-{n_rows}-{partition_rows}"
    done = folder / "_COMPLETE"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    network = alarm()
    spec = mixture(network)
    n_parts = -(-n_rows // partition_rows)
    start = time.perf_counter()
    for i in range(n_parts):
        rows = min(partition_rows, n_rows - i * partition_rows)
        codes, _ = sample_mixture(network, spec.targets, spec.weights, rows, rng=SEED + 1 + i)
        frame = pd.DataFrame(
            {
                var: pd.Categorical.from_codes(codes[:, j].astype(np.int8), categories=list(network.states[j]))
                for j, var in enumerate(network.variables)
            }
        )
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"part-{i:05d}.parquet")
    done.write_text(json.dumps({"rows": n_rows, "partitions": n_parts, "seconds": time.perf_counter() - start}))
    return folder


# ----------------------------------------------------------------------------------------------- child
def table_digest(table) -> str:
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(table.codes))  # the buffer itself, not a bytes copy (measured memory)
    h.update(np.ascontiguousarray(table.weights))
    h.update(str(table.n_rows).encode())
    return h.hexdigest()[:16]


def run_child(method: str, folder: Path, chunksize: int) -> dict:
    """Runs in a fresh process: one method on one dataset."""
    import warnings

    warnings.filterwarnings("ignore")
    from pgmpy_mixture.data.ingest import to_count_table

    network = alarm()
    variables, states = network.variables, network.states
    pattern = str(folder / "part-*.parquet")
    info: dict = {}
    me = resource.getrusage(resource.RUSAGE_SELF)
    info["cpu_start_s"] = me.ru_utime + me.ru_stime  # imports etc. before the timed region, subtracted below
    start = time.perf_counter()
    if method == "read":
        import pyarrow.parquet as pq

        from pgmpy_mixture.data.streaming import resolve_paths

        rows = 0
        for path in resolve_paths(pattern):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize):
                rows += batch.to_pandas().shape[0]
        info.update(rows=rows)
    elif method == "pandas":
        import pandas as pd

        from pgmpy_mixture.data.counts import CountTable

        frame = pd.read_parquet(folder, engine="pyarrow")
        table = CountTable.from_frame(frame, variables, states)
        info.update(rows=table.n_rows, distinct=int(table.codes.shape[0]), digest=table_digest(table))
    elif method == "streaming":
        table = to_count_table(pattern, variables, states, chunksize=chunksize)
        info.update(rows=table.n_rows, distinct=int(table.codes.shape[0]), digest=table_digest(table))
    elif method.startswith("dask-"):
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster

        with LocalCluster(
            n_workers=int(method.split("-")[1]), threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster, Client(cluster):
            info["startup_s"] = time.perf_counter() - start
            table = to_count_table(dd.read_parquet(pattern), variables, states)
            info.update(rows=table.n_rows, distinct=int(table.codes.shape[0]), digest=table_digest(table))
    else:
        raise SystemExit(f"unknown method {method}")
    info["seconds"] = time.perf_counter() - start
    return info


# ----------------------------------------------------------------------------------------------- parent
def measure(method: str, folder: Path, chunksize: int) -> dict:
    """Run one method in a child process; wall time and peak RSS of the child's whole process tree."""
    import psutil

    cmd = [sys.executable, __file__, "--child", method, "--folder", str(folder), "--chunksize", str(chunksize)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.05)
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"method": method, "error": f"exit {proc.returncode}"}
    info = json.loads(out.strip().splitlines()[-1])
    info.update(method=method, wall_s=wall, peak_tree_mb=peak / 2**20)
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="10^6, 10^7 and 10^8 rows")
    parser.add_argument("--sizes", type=float, nargs="*", help="row counts (overrides the grid)")
    parser.add_argument("--methods", nargs="*", default=list(METHODS), choices=METHODS)
    parser.add_argument("--partition-rows", type=int, default=1_000_000)
    parser.add_argument("--chunksize", type=int, default=1_000_000)
    parser.add_argument("--pandas-max", type=float, default=1e7, help="largest size the pandas path is run on")
    parser.add_argument("--generate-only", action="store_true", help="only write the Parquet data sets")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        info = run_child(args.child, Path(args.folder), args.chunksize)
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        info["maxrss_mb"] = me.ru_maxrss / 1024
        info["children_maxrss_mb"] = kids.ru_maxrss / 1024
        info["cpu_s"] = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime - info.pop("cpu_start_s")
        print(json.dumps(info))
        return

    sizes = [int(s) for s in (args.sizes or ([1e6, 1e7, 1e8] if args.full else [1e6]))]
    if args.generate_only:
        for n in sizes:
            print(write_dataset(n, min(args.partition_rows, n)), flush=True)
        return
    print(f"# Scale-out benchmark (ALARM, 37 variables; python {sys.version.split()[0]}, {os.cpu_count()} cores)\n")
    print(
        "| rows | method | wall s | cluster start s | rows/s | wall / read | CPU s | CPU / read | "
        "peak MB (tree) | max single MB | distinct | same table |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for n in sizes:
        folder = write_dataset(n, min(args.partition_rows, n))
        made = json.loads((folder / "_COMPLETE").read_text())
        size_mb = sum(p.stat().st_size for p in folder.glob("part-*.parquet")) / 2**20
        print(
            f"<!-- {n} rows: {made['partitions']} Parquet files, {size_mb:.0f} MB, generated in "
            f"{made['seconds']:.0f} s -->",
            flush=True,
        )
        results, read_s, read_cpu, ref = [], None, None, None
        for method in args.methods:
            if method == "pandas" and n > args.pandas_max:
                continue
            r = measure(method, folder, args.chunksize)
            results.append(r)
            if "error" in r:
                print(f"| {n:.0e} | {method} | failed ({r['error']}) |" + " |" * 11, flush=True)
                continue
            # counting time: after the cluster is up (a real cluster is already running)
            count_s = r["seconds"] - r.get("startup_s", 0.0)
            if method == "read":
                read_s, read_cpu = count_s, r["cpu_s"]
            ref = ref or r.get("digest")
            same = "" if "digest" not in r else ("yes" if r["digest"] == ref else "**NO**")
            ratio = f"{count_s / read_s:.2f}" if read_s else ""
            cpu_ratio = f"{r['cpu_s'] / read_cpu:.2f}" if read_cpu else ""
            start = f"{r['startup_s']:.1f}" if "startup_s" in r else ""
            single = max(r.get("maxrss_mb", 0), r.get("children_maxrss_mb", 0))
            print(
                f"| {n:.0e} | {method} | {count_s:.1f} | {start} | {n / count_s:.3g} | {ratio} | {r['cpu_s']:.1f} | "
                f"{cpu_ratio} | {r['peak_tree_mb']:.0f} | {single:.0f} | {r.get('distinct', '')} | {same} |",
                flush=True,
            )
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"scale-{n}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
