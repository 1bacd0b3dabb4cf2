"""`gocheck packs trust|untrust|trusted`: which publishers' Python rules may run here.

    gocheck packs trust acme      # acme/* packs with Python rules run (contained) on this machine
    gocheck packs untrust acme
    gocheck packs trusted         # the list

User-level only (the user config dir); a repository cannot add to it.
"""

from __future__ import annotations

from analyzer.cli.errors import EXIT_CLEAN


def cmd_trust(args) -> int:
    from rulehub.loader import trusted_publishers

    added = trusted_publishers.trust(args.publisher)
    print(f"{'trusted' if added else 'already trusted:'} {args.publisher} ({trusted_publishers.store_path()})")
    return EXIT_CLEAN


def cmd_untrust(args) -> int:
    from rulehub.loader import trusted_publishers

    removed = trusted_publishers.untrust(args.publisher)
    print(f"{'no longer trusted:' if removed else 'was not trusted:'} {args.publisher}")
    return EXIT_CLEAN


def cmd_trusted(args) -> int:
    from rulehub.loader import trusted_publishers

    for name in sorted(trusted_publishers.trusted_publishers()):
        print(name)
    return EXIT_CLEAN


def register(psub) -> None:
    """Add the subcommands to `gocheck packs`."""
    p = psub.add_parser("trust", help="let a publisher's packs run Python rules on this machine (contained)")
    p.add_argument("publisher", help="the namespace of the packs, e.g. acme for acme/http-safety")
    p.set_defaults(func=cmd_trust)
    p = psub.add_parser("untrust", help="stop running a publisher's Python rules")
    p.add_argument("publisher")
    p.set_defaults(func=cmd_untrust)
    p = psub.add_parser("trusted", help="list the publishers whose Python rules may run")
    p.set_defaults(func=cmd_trusted)
