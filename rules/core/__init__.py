"""The built-in gocheck/core pack."""
