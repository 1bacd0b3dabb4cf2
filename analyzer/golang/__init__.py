"""The Go source model: the grammar gocheck parses Go with, and what it builds from the trees."""
