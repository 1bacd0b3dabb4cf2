"""Running the Python rules of downloaded packs in a contained worker process.

One concern per file: `environment` (the worker's allowlisted environment), `limits`
(setrlimit), `landlock` and `seccomp` (the kernel's filesystem/network/signal and syscall
restrictions), `protocol` (JSON framing and validation of what the worker sends back),
`worker` (the child's main) and `contained_pack` (the parent's side: rule stubs whose `run`
asks the worker). docs/security.md has the threat model.
"""


class SandboxUnavailable(Exception):
    """A containment facility the worker requires is missing; pack code is not run."""


class WorkerFailed(Exception):
    """The worker crashed, hung, ran out of memory or answered with something invalid."""
