"""The analysistest driver: a rule's `// want` testdata, run as go/analysis runs it."""
