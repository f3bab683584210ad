"""Shared fixtures: a small synthetic survey for both years in a temporary data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ksresearch import config, ingest, load_codebook, write_synth

SEED = 7
N_COMPANIES = 12


@pytest.fixture(scope="session")
def codebooks():
    return {y: load_codebook(config.codebook_path(y)) for y in (2024, 2025)}


@pytest.fixture(scope="session")
def synth_data(tmp_path_factory) -> Path:
    """A data dir with raw/ and processed/ for 2024 and 2025 (read-only for tests)."""
    data = tmp_path_factory.mktemp("data")
    for year in (2024, 2025):
        write_synth(year, seed=SEED, data_dir=data, n_companies=N_COMPANIES)
        ingest(year, data)
    return data


@pytest.fixture
def raw_2025(tmp_path, synth_data) -> Path:
    """A private copy of the 2025 raw folder a test may change; returns the data dir."""
    shutil.copytree(synth_data / "raw" / "2025", tmp_path / "raw" / "2025")
    return tmp_path


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The demo-sized survey (30 companies, seed 2025) for both years, for truth recovery."""
    data = tmp_path_factory.mktemp("demo")
    for year in (2024, 2025):
        write_synth(year, seed=2025, data_dir=data, n_companies=30)
        ingest(year, data)
    return data


@pytest.fixture
def kill_first_kernel(monkeypatch) -> list[int]:
    """Kill the first kernel started, as soon as it is started (SIGKILL to its process);
    returns the list of the killed pids (one, once it has happened)."""
    import os
    import signal

    from ksresearch.report.kernelclient import ReadyKernelManager

    real, killed = ReadyKernelManager._async_post_start_kernel, []

    async def kill_the_first(self, **kw):
        await real(self, **kw)
        if not killed:
            killed.append(self.provisioner.process.pid)
            os.kill(self.provisioner.process.pid, signal.SIGKILL)

    monkeypatch.setattr(ReadyKernelManager, "_async_post_start_kernel", kill_the_first)
    return killed
