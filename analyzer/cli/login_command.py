"""`gocheck login --hub URL`: store an API key (0600, user config dir) and pin the hub's TUF root.

The key is read from --api-key-stdin, GOCHECK_API_KEY, or a prompt; it is checked by
exchanging it for an access token before it is stored.  The hub's root metadata (version 1,
the start of its signed root chain) is pinned on the first login and its fingerprint
printed: compare it with the one the hub's operators publish.  Later logins keep the pin
unless --repin is given.
"""

from __future__ import annotations

import getpass
import os
import sys

from analyzer.cli.errors import EXIT_CLEAN, UsageError


def cmd_login(args) -> int:
    from rulehub.loader import credentials
    from rulehub.loader.hubclient import HubClient
    from rulehub.loader.tufclient import check_root

    if args.api_key_stdin:
        api_key = sys.stdin.readline().strip()
    else:
        api_key = os.environ.get("GOCHECK_API_KEY", "").strip()
        if not api_key:
            if not sys.stdin.isatty():
                raise UsageError("no API key: pass it on stdin with --api-key-stdin or set GOCHECK_API_KEY")
            api_key = getpass.getpass("RuleHub API key: ").strip()
    if not api_key:
        raise UsageError("empty API key")
    with HubClient(args.hub, credentials.HubCredential(api_key=api_key)) as hub:
        hub.access_token()  # proves the key works before it is stored
        pinned = credentials.pinned_root(hub.url)
        if pinned is None or args.repin:
            root = hub.fetch_root(1)
            check_root(hub.url, root, "the hub's 1.root.json")
            if pinned is not None and pinned != root:
                print(f"gocheck: replacing the pinned root {credentials.fingerprint(pinned)}", file=sys.stderr)
            credentials.pin_root(hub.url, root)
            print(f"pinned the TUF root of {hub.url}: {credentials.fingerprint(root)}")
            print("compare this fingerprint with the one your hub's operators publish")
        else:
            print(f"TUF root of {hub.url} already pinned: {credentials.fingerprint(pinned)}")
        path = credentials.store_api_key(hub.url, api_key)
    print(f"API key stored in {path} (readable only by you)")
    return EXIT_CLEAN


def cmd_logout(args) -> int:
    from rulehub.loader import credentials, userdirs

    hub_url = args.hub or credentials.default_hub()
    if not hub_url:
        raise UsageError("not logged in to any hub (no stored API key); nothing to do")
    if credentials.forget_api_key(hub_url):
        print(f"removed the API key of {userdirs.normalize_hub_url(hub_url)} (the pinned TUF root stays)")
    else:
        print(f"no API key stored for {userdirs.normalize_hub_url(hub_url)}")
    for variable in ("GOCHECK_API_KEY", "GOCHECK_HUB_TOKEN"):
        if os.environ.get(variable):
            print(f"gocheck: {variable} is set in this environment and is still used; unset it too", file=sys.stderr)
    return EXIT_CLEAN


def register(sub) -> None:
    p = sub.add_parser("login", help="store a RuleHub API key and pin the hub's TUF root")
    p.add_argument("--hub", required=True, help="hub URL, e.g. https://hub.example.com")
    p.add_argument("--api-key-stdin", action="store_true", help="read the API key from the first line of stdin")
    p.add_argument("--repin", action="store_true", help="pin the hub's root again (after the hub was re-created)")
    p.set_defaults(func=cmd_login)

    p = sub.add_parser("logout", help="remove the stored API key of a hub")
    p.add_argument("--hub", help="hub URL (default: the hub of the last login)")
    p.set_defaults(func=cmd_logout)
