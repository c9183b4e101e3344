"""Driver: the command line, the fuzzing loop, failure reports, --replay and --minimize."""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time

from . import known_issues
from .generators import generate
from .minimize import Minimizer
from .replay import parse_cases
from .running import LEVELS, Case, Runner


def report(f, g, args, work):
    """Prints a failure of generated graph g and writes its reproducer; returns the path."""
    print(f"FAIL {g.name} (--seed {args.seed} --only {g.name[1:]}): {f.headline()}")
    print(f"  op chain: {g.chain()}")
    path = os.path.join(args.tmp, f"fail-{g.name}.mlir")
    with open(path, "w") as fp:
        fp.write(g.text())
    print("  graph:")
    print("    " + g.text().rstrip().replace("\n", "\n    "))
    print(f"  reproducer: {path}")
    return path


def minimize_and_report(runner, f, g, args):
    work = os.path.join(args.tmp, f"min-{g.name}")
    m = Minimizer(runner, work, f).run(g)
    shutil.rmtree(work, ignore_errors=True)
    path = os.path.join(args.tmp, f"fail-{g.name}.min.mlir")
    with open(path, "w") as fp:
        fp.write(m.text())
    # The minimized graph's own failure, for the report.
    fs = runner.run_cases([Case.of(m)], os.path.join(args.tmp, f"min-{g.name}-final"),
                          (f.level,) if f.level else LEVELS)
    shutil.rmtree(os.path.join(args.tmp, f"min-{g.name}-final"), ignore_errors=True)
    print(f"  minimized ({len(m.nodes)} ops, {len(m.inputs)} inputs): {m.chain()}")
    for mf in fs:
        print(f"    {mf.headline()}")
    print("    " + m.text().rstrip().replace("\n", "\n    "))
    print(f"  minimized reproducer: {path}")
    print(f"  replay: {sys.argv[0]} --replay {path} --tools {args.tools}"
          + (f" --interp {args.interp}" if args.interp else ""))
    return m, fs


def fuzz(args, runner):
    start = time.time()
    counts = {"graphs": 0, "results": 0, "ops": 0}
    ops_seen = {}
    failures = []
    indices = [args.only] if args.only is not None else list(range(args.start,
                                                                   args.start + args.count))
    for b0 in range(0, len(indices), args.batch):
        if args.time_limit and time.time() - start > args.time_limit:
            print(f"time limit reached after {counts['graphs']} graphs")
            break
        graphs = [generate(args.seed, i) for i in indices[b0:b0 + args.batch]]
        if args.print:
            for g in graphs:
                print(g.text())
        for g in graphs:
            for n in g.nodes:
                key = n.op if n.style != "map" else "map"
                ops_seen[key] = ops_seen.get(key, 0) + 1
            counts["ops"] += len(g.nodes)
            counts["results"] += len(g.results)
        work = os.path.join(args.tmp, f"batch{b0 // args.batch}")
        by_name = {g.name: g for g in graphs}
        fs = runner.run_cases([Case.of(g) for g in graphs], work)
        counts["graphs"] += len(graphs)
        seen = set()
        for f in fs:
            if f.known():
                print(f"known issue in {f.graph.name if f.graph else '?'}: {f.known()}")
                counts["known"] = counts.get("known", 0) + 1
                continue
            g = by_name.get(f.graph.name) if f.graph else None
            if g is None:
                print(f"FAIL (batch {b0 // args.batch}): {f.headline()}")
                failures.append((f, None, None))
                continue
            if g.name in seen:
                print(f"  also: {f.headline()}")
                continue
            seen.add(g.name)
            report(f, g, args, work)
            m = None
            if not args.no_minimize and len(failures) < args.max_minimize:
                m, _ = minimize_and_report(runner, f, g, args)
            failures.append((f, g, m))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        if failures and not args.keep_going:
            break
        if args.verbose:
            print(f"[{time.time() - start:6.1f} s] {counts['graphs']} graphs, "
                  f"{len(failures)} failing", flush=True)
    elapsed = time.time() - start
    print(f"kiln-fuzz: seed {args.seed}: {counts['graphs']} graphs ({counts['ops']} ops, "
          f"{counts['results']} results, each checked at {' and '.join(LEVELS)}) in "
          f"{elapsed:.1f} s; {len(failures)} failing graphs"
          + (f", {counts['known']} known issues" if counts.get("known") else ""))
    if args.verbose:
        print("ops: " + ", ".join(f"{k} {v}" for k, v in sorted(ops_seen.items())))
    return 1 if failures else 0


def replay(args, runner):
    status = 0
    for path in args.replay:
        text = open(path).read()
        cases = parse_cases(text, args.seed)
        if not cases:
            print(f"{path}: no kiln.graph found")
            status = 1
            continue
        work = os.path.join(args.tmp, "replay-" + os.path.basename(path).replace(".", "_"))
        fs = runner.run_cases(cases, work, module_text=text)
        for f in fs:
            name = f.graph.name if f.graph else "?"
            print(f"FAIL {path} @{name}: {f.headline()}")
        print(f"{path}: {len(cases)} graphs, {len(fs)} failures")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        status |= 1 if fs else 0
    return status


def minimize_file(args, runner):
    """--minimize FILE: regenerate the graph named by FILE's `origin` and shrink it."""
    text = open(args.minimize).read()
    m = re.search(r"origin=seed=(\d+),index=(\d+)", text)
    if not m:
        sys.exit("kiln-fuzz: --minimize needs a reproducer written by kiln-fuzz "
                 "(its '// kiln-fuzz: graph ... origin=seed=N,index=I' line)")
    args.seed = int(m.group(1))
    g = generate(args.seed, int(m.group(2)))
    fs = runner.run_cases([Case.of(g)], os.path.join(args.tmp, "minimize"))
    if not fs:
        print(f"{g.name} of seed {args.seed} does not fail")
        return 0
    report(fs[0], g, args, args.tmp)
    minimize_and_report(runner, fs[0], g, args)
    return 1


def main(usage):
    p = argparse.ArgumentParser(description=usage.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tools", required=True, help="directory with kilnc and kiln-run")
    p.add_argument("--interp", help="kiln-interp (default: TOOLS/kiln-interp)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=200, help="graphs to generate")
    p.add_argument("--start", type=int, default=0, help="index of the first graph")
    p.add_argument("--only", type=int, help="run only graph INDEX of --seed")
    p.add_argument("--batch", type=int, default=100, help="graphs per module")
    p.add_argument("--tmp", help="work directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work files")
    p.add_argument("--keep-going", action="store_true", help="continue after failing batches")
    p.add_argument("--jobs", type=int, default=2, help="processes run in parallel")
    p.add_argument("--time-limit", type=float, help="stop starting batches after S seconds")
    p.add_argument("--no-minimize", action="store_true")
    p.add_argument("--max-minimize", type=int, default=5,
                   help="minimize at most this many failures per run")
    p.add_argument("--replay", nargs="+", metavar="FILE.mlir",
                   help="run the graphs of these modules (e.g. reproducers) and compare")
    p.add_argument("--minimize", metavar="FILE.mlir",
                   help="shrink the failing graph a kiln-fuzz reproducer came from")
    p.add_argument("--print", action="store_true", help="print every generated graph")
    p.add_argument("--include-known", action="store_true",
                   help="also generate the ops of KNOWN_ISSUES (known compiler failures)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args()
    known_issues.INCLUDE_KNOWN = args.include_known
    own_tmp = args.tmp is None
    if own_tmp:
        args.tmp = tempfile.mkdtemp(prefix="kiln-fuzz-")
    os.makedirs(args.tmp, exist_ok=True)
    runner = Runner(args)
    try:
        if args.replay:
            return replay(args, runner)
        if args.minimize:
            return minimize_file(args, runner)
        return fuzz(args, runner)
    finally:
        runner.pool.shutdown()
        if own_tmp and not args.keep:
            # Everything but the reproducers (fail-*.mlir) goes.
            kept = [f for f in os.listdir(args.tmp) if f.startswith("fail-") and f.endswith(".mlir")]
            for f in os.listdir(args.tmp):
                if f not in kept:
                    path = os.path.join(args.tmp, f)
                    shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)
            if kept:
                print(f"reproducers kept in {args.tmp}")
            else:
                shutil.rmtree(args.tmp, ignore_errors=True)

