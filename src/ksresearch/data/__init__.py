"""The data layer of ksresearch (see the package docstring)."""
