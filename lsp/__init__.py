"""gocheck's language server: the engine's findings and fixes in the editor (`gocheck lsp`)."""
