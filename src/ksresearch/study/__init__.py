"""The study layer of ksresearch (see the package docstring)."""


def __getattr__(name: str):
    """A study module as an attribute, imported when first asked for (``ks.study.prepare.kept``
    works whatever was imported before)."""
    import importlib

    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
