"""mkdocs hooks: the API reference lists every public ``ks.*`` name, module by module, and
shows the docstrings' Sphinx roles (``:func:`load```) as the plain names they point to.

A reference page holds ``<!-- api: stats -->``; it is replaced by one mkdocstrings block per
public name of that layer, read from ``ksresearch._BY_MODULE`` (the same table that makes the
flat namespace), so a new public name appears in the reference without anyone adding it.
"""

from __future__ import annotations

import re

MARK = re.compile(r"<!-- api: (\w+) -->")

TITLES = {
    "data.codebook": "The codebook",
    "data.ingestion": "Reading and ingesting exports",
    "data.draft": "Drafting a codebook from an export",
    "data.survey": "The survey",
    "data.redact": "Redaction",
    "data.headcounts": "Headcounts",
    "data.synth": "The synthetic survey",
}


def _blocks(layer: str) -> str:
    import ksresearch

    out = []
    for module, names in ksresearch._BY_MODULE.items():
        if module.split(".")[0] != layer:
            continue
        title = TITLES.get(module, f"`ksresearch.{module}`")
        out.append(f"## {title}\n")
        out += [f"::: ksresearch.{module}.{name}\n" for name in names]
    return "\n".join(out)


def on_page_markdown(markdown: str, **_: object) -> str:
    return MARK.sub(lambda m: _blocks(m.group(1)), markdown)


#: Sphinx's roles (``:func:`load```) as the docstrings write them; the site shows the name alone
ROLE = re.compile(r":(?:func|class|meth|data|mod|attr|exc):(?=<code)")


def on_page_content(html: str, **_: object) -> str:
    return ROLE.sub("", html)
