"""Root pytest configuration: the generated API reference repeats the docstrings' examples
out of their modules' context, so it is not collected (the docstrings themselves are)."""

collect_ignore = ["docs/api.md"]
