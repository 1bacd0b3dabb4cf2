"""The rule API: what pack authors may use (Rule, Pass, Package, diagnostics and fixes)."""
