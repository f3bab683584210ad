"""The stats layer of ksresearch (see the package docstring)."""
