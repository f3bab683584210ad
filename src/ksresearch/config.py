"""Paths and project-wide defaults, resolved from this file (never the working directory)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "PROJ_ROOT",
    "DATA_DIR",
    "RAW_DIR",
    "PROCESSED_DIR",
    "REPORTS_DIR",
    "MIN_GROUP_SIZE",
    "MIN_COMPANIES",
    "MAX_COMPANY_SHARE",
    "MIN_SHARE_N",
    "MIN_BENCHMARK_DIFF",
    "MIN_PERCENTILE_N",
    "DECK_TEMPLATE",
    "deck_template",
    "MAX_PERCENTILE_SPAN",
    "MIN_COMMENT_GROUP",
    "MIN_THEME_COMMENTERS",
    "MAX_COMMENT_EXAMPLES",
    "MIN_RESPONSE_RATE",
    "raw_dir",
    "processed_dir",
    "codebook_path",
]

#: Repository root: src/ksresearch/config.py -> parents[2].
PROJ_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJ_ROOT / "reports"
#: A consultancy's own slide master for every deck (16:9): ``templates/deck.pptx`` in the
#: repository, or the file ``KS_DECK_TEMPLATE`` names; python-pptx's plain one without either.
DECK_TEMPLATE = PROJ_ROOT / "templates" / "deck.pptx"

#: No aggregate of fewer respondents than this is ever shown.
MIN_GROUP_SIZE = 5
#: A published cell that pools companies (a segment of the general report, a company's "all
#: others") needs respondents from at least this many companies ...
MIN_COMPANIES = 3
#: ... and no single company may hold more than this share of its respondents.
MAX_COMPANY_SHARE = 0.8
#: A share (and any measure that can be unanimous, such as a top-box) is shown only for a group
#: of at least this many who answered: a share of a small group is too often 0 % or 100 %, which
#: tells what each member answered, and hiding only those values would tell it too, so the
#: whole measure is hidden for a smaller group whatever its value (Glint and Peakon hold
#: percentages to a stricter minimum than scores for the same reason).
MIN_SHARE_N = 10
#: A company's difference from all others is called a strength or an improvement area (or, for
#: a descriptive share, higher or lower) only when it survives Holm's correction across the
#: report's measures and is at least this large: points on the 0-100 indices, percentage points
#: for shares, and twice as many eNPS points (its scale runs from -100 to 100).
MIN_BENCHMARK_DIFF = 5.0
#: A company gets percentile ranks only with at least this many respondents; only companies of
#: this size are ranked.
MIN_PERCENTILE_N = 20
#: A percentile is shown only where its 95 % interval spans at most this many of the 100
#: points: a wider one says little more than that the company is somewhere in the field.
MAX_PERCENTILE_SPAN = 50
#: Comments are shown only for a group where at least this many people commented (as Glint,
#: Peakon and Culture Amp: stricter than for scores, since a text can give its writer away) ...
MIN_COMMENT_GROUP = 10
#: ... and a theme only when at least this many different people wrote about it.
MIN_THEME_COMMENTERS = 10
#: At most this many (redacted) example comments per theme, drawn at random.
MAX_COMMENT_EXAMPLES = 3
#: A company report whose response rate is under this says its results are uncertain.
MIN_RESPONSE_RATE = 0.30
#: The smallest change or difference (0-100 index points, or percentage points) a key finding
#: calls a change or a difference, however significant: one point, 1 % of the scale.
MIN_KEY_DIFF = 1.0
#: Companies needed before any company is given a rank among them.
MIN_COMPANIES_FOR_RANK = 5
#: Companies with customer figures needed before employees and customers are related.
MIN_KPI_COMPANIES = 8
#: The significance level of the key findings' tests (after Holm's correction).
ALPHA = 0.05


@dataclass(frozen=True)
class Rules:
    """Every rule a release keeps, in one frozen object: the confidentiality rules (the
    minimum group, companies per cell and the largest company's share, the minimum for a
    share, the comment rules) and the rules that decide what a report calls a finding (the
    benchmark difference, percentile ranks, the key findings' smallest difference and
    alpha, companies needed to rank or relate customer figures). :data:`RULES` holds the
    defaults; every report's ledger carries the rules it was made with (``meta["rules"]``).

    Examples
    --------
    >>> Rules(min_group_size=7).as_dict()["min_group_size"], RULES.min_group_size
    (7, 5)
    """

    min_group_size: int = MIN_GROUP_SIZE
    min_companies: int = MIN_COMPANIES
    max_company_share: float = MAX_COMPANY_SHARE
    min_share_n: int = MIN_SHARE_N
    min_comment_group: int = MIN_COMMENT_GROUP
    min_theme_commenters: int = MIN_THEME_COMMENTERS
    max_comment_examples: int = MAX_COMMENT_EXAMPLES
    min_benchmark_diff: float = MIN_BENCHMARK_DIFF
    min_percentile_n: int = MIN_PERCENTILE_N
    max_percentile_span: float = MAX_PERCENTILE_SPAN
    min_response_rate: float = MIN_RESPONSE_RATE
    min_key_diff: float = MIN_KEY_DIFF
    min_companies_for_rank: int = MIN_COMPANIES_FOR_RANK
    min_kpi_companies: int = MIN_KPI_COMPANIES
    alpha: float = ALPHA

    def as_dict(self) -> dict:
        """The rules by name (plain numbers: for a ledger's JSON)."""
        return asdict(self)


#: The rules of this version of ksresearch.
RULES = Rules()


def deck_template() -> Path | None:
    """The slide master the decks use (:data:`DECK_TEMPLATE`), or None for the plain one."""
    import os

    named = os.environ.get("KS_DECK_TEMPLATE")
    if named:
        return Path(named)
    return DECK_TEMPLATE if DECK_TEMPLATE.is_file() else None


def _data_dir(data_dir: str | Path | None) -> Path:
    return DATA_DIR if data_dir is None else Path(data_dir).resolve()


def raw_dir(year: int, data_dir: str | Path | None = None) -> Path:
    """``<data_dir>/raw/<year>``; ``data_dir`` defaults to the repository's ``data/``."""
    return _data_dir(data_dir) / "raw" / str(year)


def processed_dir(year: int, data_dir: str | Path | None = None) -> Path:
    """``<data_dir>/processed/<year>``; ``data_dir`` defaults to the repository's ``data/``."""
    return _data_dir(data_dir) / "processed" / str(year)


def codebook_path(year: int, data_dir: str | Path | None = None) -> Path:
    """Where the codebook of ``year`` lives: ``<data_dir>/raw/<year>/codebook.yaml``."""
    return raw_dir(year, data_dir) / "codebook.yaml"
