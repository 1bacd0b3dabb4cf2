"""gocheck's analysis engine: Go source model, rule API, runner, reporters and CLI.

The engine knows nothing of RuleHub or the language server; `analyzer.cli` is the one
module that wires the engine to the pack loader.
"""

ENGINE_VERSION = "0.1.0"
