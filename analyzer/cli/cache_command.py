"""`gocheck cache status` and `gocheck cache clean`: the on-disk result cache."""

from __future__ import annotations

from pathlib import Path

from analyzer.cli.errors import EXIT_CLEAN
from analyzer.pipeline.result_cache import ResultCache


def cmd_cache(args) -> int:
    cache = ResultCache(Path(args.cache_dir) if args.cache_dir else None)
    if args.action == "clean":
        removed = cache.clean()
        print(f"removed {removed} cached package results from {cache.directory}")
        return EXIT_CLEAN
    status = cache.status()
    print(f"cache directory: {status.directory}")
    print(f"entries: {status.entries}")
    print(f"size: {status.bytes / 1024:.1f} KiB")
    return EXIT_CLEAN


def register(sub) -> None:
    cache = sub.add_parser("cache", help="show or clean the result cache")
    cache.add_argument("action", choices=["status", "clean"])
    cache.add_argument("--cache-dir", help="cache directory (default: the user cache dir, or $GOCHECK_CACHE_DIR)")
    cache.set_defaults(func=cmd_cache)
