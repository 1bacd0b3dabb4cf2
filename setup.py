"""Builds the Go grammar (analyzer/golang/grammar) into a C extension; everything else is in pyproject.toml.

The same build as tree-sitter-go's own Python binding: the generated parser.c is checked in,
so installing needs only a C compiler, not Node or tree-sitter-cli.
"""

import sys

from setuptools import Extension, setup

GRAMMAR = "analyzer/golang/grammar"

setup(
    ext_modules=[
        Extension(
            name="analyzer.golang.grammar._binding",
            sources=[f"{GRAMMAR}/binding.c", f"{GRAMMAR}/src/parser.c"],
            include_dirs=[f"{GRAMMAR}/src"],
            define_macros=[("PY_SSIZE_T_CLEAN", None), ("TREE_SITTER_HIDE_SYMBOLS", None)],
            extra_compile_args=["/std:c11", "/utf-8"] if sys.platform == "win32" else ["-std=c11", "-fvisibility=hidden"],
        )
    ],
)
