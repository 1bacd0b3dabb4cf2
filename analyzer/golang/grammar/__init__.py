"""tree-sitter-go's grammar with gocheck's patches (PATCHES.md), compiled at install time."""

try:
    from analyzer.golang.grammar._binding import language
except ImportError as error:  # a source checkout whose extension was never built
    raise ImportError(
        "gocheck's Go grammar extension is not built: run 'python3 -m pip install -e .' "
        "(it needs a C compiler) in the gocheck checkout"
    ) from error

__all__ = ["language"]
