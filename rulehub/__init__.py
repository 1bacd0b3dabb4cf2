"""RuleHub: the pack format (`rulehub.pack`), the loader (client) and the registry service.

`rulehub.pack` is shared by the loader and the server: manifest parsing, semver ranges and
the deterministic artifact format of docs/pack-protocol.md.  `rulehub.server` is the
FastAPI service; it uses `rulehub.pack` but never imports pack code or the engine.
"""
