"""python -m tools.bench --dataset S|M|L --database sqlite|postgresql [--json] [--no-load] [--rebuild] [--no-page-cache]"""

from __future__ import annotations

import argparse
import json
import sys

from . import RECIPES, BenchError, run, write_markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--dataset", choices=sorted(RECIPES), required=True)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (at least 50)")
    parser.add_argument("--load-seconds", type=int, default=15, help="wrk's duration per route")
    parser.add_argument("--no-load", action="store_true", help="skip the wrk run against gunicorn")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset again even if it is there")
    parser.add_argument("--no-page-cache", action="store_true", help="render every page for every request")
    args = parser.parse_args(argv)
    if args.requests < 50:
        parser.error("--requests must be at least 50")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        results = run(
            args.dataset,
            args.database,
            rounds=args.requests,
            load=not args.no_load,
            load_seconds=args.load_seconds,
            rebuild=args.rebuild,
            page_cache=not args.no_page_cache,
            log=log,
        )
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = write_markdown(results)
    log(f"Results written to {path}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
