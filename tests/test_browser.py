"""Reports open in a real browser (Debian's headless chromium): no errors, every image shows."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import ksresearch as ks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is missing: `make browser` installs it"
    ),
    pytest.mark.slow,  # reports built and opened in a browser
]

# Injected first in <head>: records script errors and failed resources, then on load whether
# every image decoded, into attributes of <html> that --dump-dom prints.
PROBE = """<script>
window.__ksErrors = [];
window.addEventListener("error", e => window.__ksErrors.push(e.message || ("resource " + (e.target.src || e.target.href))), true);
window.addEventListener("load", () => {
  const imgs = [...document.images];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length;
  document.documentElement.setAttribute("data-ks-images", imgs.length + ":" + broken);
  document.documentElement.setAttribute("data-ks-errors", String(window.__ksErrors.length));
  document.documentElement.setAttribute("data-ks-width", String(document.body.scrollWidth));
  const edge = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll("table")].filter(t => t.getBoundingClientRect().right > edge + 1);
  document.documentElement.setAttribute("data-ks-overflowing", String(over.length));
});
</script>"""


def render(page: Path, width: int = 1280) -> dict[str, str]:
    """Open ``page`` in headless chromium, ``width`` pixels wide, and return the probe's
    findings."""
    with tempfile.TemporaryDirectory() as tmp:
        probed = Path(tmp) / page.name
        probed.write_text(
            page.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1),
            encoding="utf-8",
        )
        out = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp}/profile",
                f"--window-size={width},900",
                "--virtual-time-budget=5000",
                "--dump-dom",
                probed.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    head = re.search(r"<html[^>]*>", out.stdout)
    assert head, f"chromium printed no page: {out.stderr[-500:]}"
    return dict(re.findall(r'data-ks-(\w+)="([^"]*)"', head.group(0)))


@pytest.fixture(scope="module")
def reports_made(tmp_path_factory):
    data = tmp_path_factory.mktemp("browserdata")
    ks.write_synth(2025, seed=8, data_dir=data, n_companies=6)
    ks.ingest(2025, data)
    out = tmp_path_factory.mktemp("browserreports")
    survey = ks.load(2025, data)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].index[0]
    result = ks.batch(2025, companies=[company], data_dir=data, out=out, workers=1)
    return {
        "general": ks.general_report(2025, lang="en", data_dir=data, out=out),
        "company": result.written[company],
    }


@pytest.mark.parametrize("kind", ["general", "company"])
def test_report_loads_without_errors_and_every_image_displays(reports_made, kind):
    found = render(reports_made[kind])
    total, broken = map(int, found["images"].split(":"))
    assert total >= (4 if kind == "general" else 1)
    assert broken == 0
    assert found["errors"] == "0"
    assert int(found["width"]) <= 1280  # nothing overflows a laptop-wide window


@pytest.mark.parametrize("kind", ["general", "company"])
def test_no_table_runs_past_a_page(reports_made, kind):
    """At the width of an A4 page (210 mm at 96 dpi: 794 px) every table fits: headers wrap
    and wide tables are set smaller."""
    found = render(reports_made[kind], width=794)
    assert found["overflowing"] == "0"
