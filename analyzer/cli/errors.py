"""Exit codes and the usage error every subcommand raises for bad flags or configuration."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad flags or configuration: the CLI prints the message and exits with code 2."""
