"""The environment: declared dependencies agree, and the ecosystem traps are handled."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import yaml

from ksresearch import config


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _norm(spec: str) -> str:
    return spec.replace(" ", "").lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())["project"]
    extras = [d for group in project["optional-dependencies"].values() for d in group]
    declared = project["dependencies"] + [d for d in extras if not d.startswith("ksresearch")]
    declared = list(dict.fromkeys(map(_norm, declared)))  # an extra may repeat another's
    env = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text())
    conda = [
        d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip")
    ]
    assert sorted(map(_norm, conda)) == sorted(map(_norm, declared))


def test_factor_analyzer_fits_with_installed_scikit_learn():
    # factor_analyzer 0.5.1 calls check_array(force_all_finite=...), gone in scikit-learn 1.8.
    from factor_analyzer import FactorAnalyzer

    rng = np.random.default_rng(0)
    f = rng.standard_normal((500, 1))
    x = f @ np.full((1, 4), 0.8) + 0.6 * rng.standard_normal((500, 4))
    fa = FactorAnalyzer(n_factors=1, rotation=None, method="minres").fit(x)
    assert np.allclose(np.abs(fa.loadings_[:, 0]), 0.8, atol=0.08)


def test_config_paths_do_not_depend_on_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        config.codebook_path(2025) == config.PROJ_ROOT / "data" / "raw" / "2025" / "codebook.yaml"
    )
    assert config.codebook_path(2025).is_file()


def test_flat_namespace_resolves_every_public_name():
    import importlib

    import ksresearch as ks

    for name, module in ks._EXPORTS.items():
        mod = importlib.import_module(f"ksresearch.{module}")
        assert name in mod.__all__, f"{name} is not in ksresearch.{module}.__all__"
        assert getattr(ks, name) is getattr(mod, name)
    for module in ks._MODULES:
        assert getattr(ks, module).__name__ == f"ksresearch.{module}"
    for short, module in ks._SHORTCUTS.items():  # ks.plot is ksresearch.report.plot
        assert getattr(ks, short).__name__ == f"ksresearch.{module}"
    assert set(ks.__all__) >= set(ks._EXPORTS)
    # nothing the package merely imports leaks into the public namespace
    modules = ks._MODULES | set(ks._SHORTCUTS)
    stray = {n for n in dir(ks) if not n.startswith("_")} - set(ks.__all__) - modules
    assert not stray, stray
    for name in ("importlib", "annotations", "PackageNotFoundError", "version"):
        assert not hasattr(ks, name), name


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, ksresearch; print(any(m in sys.modules for m in ('pandas', 'scipy', 'statsmodels')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # the kernel launcher and the CLI start fast
