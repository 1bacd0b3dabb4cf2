"""Built-in rule packs. Each subdirectory is a pack loaded like any downloaded one."""
