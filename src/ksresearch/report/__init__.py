"""The report layer of ksresearch (see the package docstring)."""
