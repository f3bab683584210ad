"""The study layer of ksresearch (see the package docstring)."""
