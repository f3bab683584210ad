"""The one setup of a report notebook: the survey loaded once, with the language and the minimum
group size every table, figure and analysis of the section uses."""

from __future__ import annotations

import html
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.survey import Survey, load, try_load
from ..stats import progress
from ..stats.disclosure import members_of
from ..study.prepare import prepare
from . import plot, plots, present
from .ledger import LEDGER_MIME, SURVEY, encode_members, fingerprint, table_record
from .release import read_suppressed

__all__ = ["Section"]


class Section:
    """What a report notebook needs, set up in one call.

    Parameters
    ----------
    year : int
        Survey year (ingested).
    lang : {"nb", "en"}
        Language of every text, label and number format.
    min_group_size : int, optional
        The minimum group size; the survey carries it, so the analyses apply it without a
        ``min_group_size=`` on every call (default: the configured 5).
    data_dir : str or Path, optional
        Folder holding ``raw/`` and ``processed/`` (default: the repository's ``data/``).
    release : str or Path, optional
        The output folder of the release the notebook is part of (``<release>/<year>/``):
        the cells its release audit hid are hidden here too. None (a notebook run on its
        own): nothing hidden beyond each table's own rules.

    Attributes
    ----------
    survey : Survey
        The loaded survey (``survey.min_group_size`` set).
    codebook : Codebook
    names : dict
        Readable names of items, constructs and measures in ``lang`` (:func:`present.names`).
    questions : dict
        Each construct's label and each question's text (:func:`present.question_names`).

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> _ = ks.ingest(2025, folder)
    >>> S = ks.Section(2025, "en", 5, folder)
    >>> S.title(), S.role("company")
    ('KS employee index 2025', 'company')
    """

    def __init__(
        self,
        year: int,
        lang: str = "nb",
        min_group_size: int | None = None,
        data_dir: str | Path | None = None,
        release: str | Path | None = None,
    ) -> None:
        present.text("report.toc", lang)  # an unknown language fails here, before any work
        # a report says nothing on stderr (the audit reads it as an error): no progress bars
        os.environ[progress.ENV] = "0"
        plot.set_language(lang)  # ks.plot's figures in the report's language
        self.year, self.lang, self.data_dir = year, lang, data_dir
        self.min_group_size = min_group_size
        self.survey: Survey = load(year, data_dir, min_group_size=min_group_size)
        self.codebook = self.survey.codebook
        self.names = present.names(self.codebook, lang)
        self.questions = present.question_names(self.codebook, lang)
        self._everyone = prepare(self.survey).index.to_numpy()
        self._encoded: dict = {}  # respondent sets encoded for the ledger, shared by its tables
        self._hidden = read_suppressed(release, year)
        self._tables = 0
        plots.style()

    # ------------------------------------------------------------------ the study's questions
    def role(self, name: str) -> str:
        """The codebook id of a role (e.g. ``S.role("job_role")`` -> ``"role"``)."""
        return self.codebook.role(name)

    @property
    def owner(self) -> str | None:
        """The company column (role ``company``), or None for a survey of one organisation:
        what the companies-per-cell rule counts owners by."""
        return self.codebook.role("company") if self.codebook.has_roles("company") else None

    def previous(self) -> Survey | None:
        """Last year's survey, if it has been ingested (for trends)."""
        return try_load(self.year - 1, self.data_dir, min_group_size=self.min_group_size)

    # ------------------------------------------------------------------ words
    def text(self, key: str, **values: object) -> str:
        """A catalogue text in the section's language."""
        return present.text(key, self.lang, **values)

    def title(self) -> str:
        """The report's title: the survey's name (codebook ``survey:``) and the year."""
        return self.text(
            "report.title", survey=self.codebook.survey_name(self.lang), year=self.year
        )

    def subtitle(self):
        """Who the report is for: the codebook's ``organisation:``, or everyone who took part."""
        org = self.codebook.organisation_name(self.lang)
        if org is None:
            return self.say("report.subtitle", year=self.year)
        return self.say("report.subtitle_organisation", organisation=org, year=self.year)

    def heading(self, key: str, level: int = 2, **values: object):
        """A heading from the catalogue text ``key``."""
        return present.heading(self.text(key, **values), level)

    def say(self, key: str, **values: object):
        """A paragraph from the catalogue text ``key``."""
        return present.say(key, self.lang, **values)

    def benchmark_rule(self, bench: pd.DataFrame):
        """How the benchmark decides a strength (the rule of :func:`ksresearch.benchmark`)."""
        from .. import config

        return self.say(
            "benchmark.rule",
            k=int(bench["p"].notna().sum()),
            d=self.number(config.MIN_BENCHMARK_DIFF, 0),
            d2=self.number(2 * config.MIN_BENCHMARK_DIFF, 0),
            n=config.MIN_PERCENTILE_N,
            span=config.MAX_PERCENTILE_SPAN,
        )

    def number(self, x: object, decimals: int = 1, percent: bool = False) -> str:
        """A number formatted for the section's language."""
        return present.fmt_number(x, self.lang, decimals, percent)

    def value_labels(self, codes: pd.Index) -> dict:
        """``{code: label}`` of an index of a segment's codes (named after the segment)."""
        return present.value_labels(self.codebook, codes, self.lang)

    def _labels(self, df: pd.DataFrame, labels: dict | None) -> dict:
        return (
            labels
            if labels is not None
            else present.value_labels(self.codebook, df.index, self.lang)
        )

    # ------------------------------------------------------------------ tables and figures
    def table(
        self,
        df: pd.DataFrame,
        *,
        labels: dict | None = None,
        index_name: str | None = None,
        shares: list[str] | None = None,
        rests_on: str | None = None,
        **kwargs,
    ):
        """:func:`present.table` in the section's language and minimum; row labels from
        ``labels`` or, for an index of segment or answer codes, the codebook's labels.

        ``shares`` are the columns holding shares of answers (default: the ``percent``
        columns; a response rate is a percentage but no share of answers): each is shown only
        for a group of at least :attr:`min_share_n`, and the caption says so when one is not.

        Every number shown is registered in the disclosure ledger with the respondents it
        rests on (the result's ``attrs["members"]``), and a cell whose respondents the release
        audit chose to hide shows "–". A number without an entry is refused
        (:class:`~ksresearch.report.ledger.UnregisteredCellError`) unless ``rests_on="survey"``
        says that such cells rest on the whole survey."""
        df = self._release_hidden(df, linked=kwargs.get("percent", ()))
        shares = kwargs.get("percent", ()) if shares is None else shares
        df, hidden = self._small_shares_hidden(df, shares)
        if hidden:
            note = self.text("report.small_shares", n=self.min_share_n)
            kwargs["caption"] = " ".join(filter(None, [kwargs.get("caption"), note]))
        styler = present.table(
            df,
            self.lang,
            index_labels=self._labels(df, labels),
            index_name=index_name,
            min_group_size=self.survey.min_group_size,
            **kwargs,
        )
        keys = present.shown_columns(df, kwargs.get("columns"))
        text = np.vectorize(html.unescape, otypes=[object])(styler.data.to_numpy(dtype=str))
        shown = pd.DataFrame(text, index=df.index, columns=keys)
        self._register(shown, members_of(df), rests_on)
        return styler

    @property
    def min_share_n(self) -> int:
        """The smallest group whose shares are shown (:data:`ksresearch.config.MIN_SHARE_N`,
        never below the minimum group size)."""
        from .. import config

        return max(config.MIN_SHARE_N, self.survey.min_group_size or 0)

    def _small_shares_hidden(self, df: pd.DataFrame, percent) -> tuple[pd.DataFrame, bool]:
        """``df`` with every share (a ``percent`` column) of a group under :attr:`min_share_n`
        set to missing, whatever its value, and whether any was (:func:`present.share_sizes`)."""
        columns = [c for c in percent if c in df.columns]
        if not columns:
            return df, False
        sizes = present.share_sizes(df, columns, members_of(df))
        small = sizes < self.min_share_n
        if not small.to_numpy().any():
            return df, False
        out = df.copy()
        for c in columns:
            out[c] = out[c].astype(float).where(~small[c])
        return out, True

    def _release_hidden(self, df: pd.DataFrame, linked=()) -> pd.DataFrame:
        """``df`` with the cells resting on a set the release audit hides set to missing; where
        a row's count goes, its ``linked`` shares go too (a share beside a known total gives
        the count back)."""
        members = members_of(df)
        if not self._hidden or members is None:
            return df
        out = df.copy()
        for (row, column), labels in members.items():
            if column in out.columns and row in out.index:
                if fingerprint(encode_members(labels)) in self._hidden:
                    out[column] = out[column].astype(object)
                    out.at[row, column] = np.nan
                    if column == "n" and "n_shown" in out.columns:
                        out.at[row, "n_shown"] = "–"
                    if column in present.COUNT_COLUMNS:
                        for share in (c for c in linked if c in out.columns):
                            out[share] = out[share].astype(object)
                            out.at[row, share] = np.nan
        if "suppressed" in out.columns:
            out["suppressed"] = out["suppressed"].astype(object)
        return out

    def _register(self, shown: pd.DataFrame, members, rests_on: str | None = None) -> None:
        """Display the ledger record of a table or figure (an output the HTML leaves out);
        ``rests_on`` as :func:`~ksresearch.report.ledger.table_record`."""
        from IPython import get_ipython
        from IPython.display import display

        self._tables += 1
        record = table_record(
            f"t{self._tables}", shown, members, self._everyone, rests_on, self._encoded
        )
        if get_ipython() is not None:  # a kernel: the report's ledger; a script has none to
            display({LEDGER_MIME: record, "text/plain": ""}, raw=True)  # print it into

    def _register_figure(
        self, df: pd.DataFrame, columns: list[str], rests_on: str | None = None
    ) -> pd.DataFrame:
        """Hide released-suppressed cells of a figure's data and register what it plots."""
        df = self._release_hidden(df)
        d = plots.shown_rows(df)
        cols = [c for c in columns if c in d.columns]
        shown = d[cols].map(lambda v: present.fmt_number(v, self.lang, 3))
        self._register(shown, members_of(df), rests_on)
        return df

    def bar_ci(
        self,
        df: pd.DataFrame,
        value: str,
        *,
        labels: dict | None = None,
        rests_on: str | None = None,
        **kwargs,
    ):
        """:func:`plots.bar_ci` with the section's language and row labels as :meth:`table`;
        ``rests_on`` as :meth:`table`."""
        cols = [c for c in (value, kwargs.get("low"), kwargs.get("high")) if c]
        if kwargs.get("percent"):  # shares of small groups are left out of the figure as well
            df, _ = self._small_shares_hidden(df, cols)
        df = self._register_figure(df, cols, rests_on)
        return plots.bar_ci(df, value, labels=self._labels(df, labels), lang=self.lang, **kwargs)

    def compare_diffs(self, table: pd.DataFrame, **kwargs):
        """:func:`plots.compare_diffs` labelled with the section's names."""
        table = self._register_figure(table, list(table.columns))
        return plots.compare_diffs(table, labels=self.names, lang=self.lang, **kwargs)

    def trend_dumbbell(self, trends: pd.DataFrame, **kwargs):
        """:func:`plots.trend_dumbbell` labelled with the section's names."""
        trends = self._register_figure(trends, list(trends.columns))
        return plots.trend_dumbbell(trends, labels=self.names, lang=self.lang, **kwargs)

    def rating_table(self, table: pd.DataFrame, caption: str | None = None):
        """A :func:`ksresearch.question_results` table as the backbone shows it: who answered,
        index, mean, favourable / neutral / unfavourable and "don't know", each row by its
        question's text."""
        shares = ["favourable", "neutral", "unfavourable", "dont_know"]
        return self.table(table, columns=["n", "index", "mean", *shares], labels=self.questions,
                          index_name="", percent=shares, decimals={"index": 1, "mean": 2},
                          caption=caption)  # fmt: skip

    def answer_bars(self, table: pd.DataFrame, **kwargs):
        """:func:`plots.answer_bars` of a :func:`ksresearch.question_results` table, labelled
        with the section's names; the shares of a small group left out as in :meth:`table`."""
        shares = ["favourable", "neutral", "unfavourable"]
        table, _ = self._small_shares_hidden(table, shares)
        table = self._register_figure(table, shares)
        return plots.answer_bars(table, labels=self.questions, lang=self.lang, **kwargs)

    def kpi_bands(self, bands: pd.DataFrame, **kwargs):
        """:func:`plots.kpi_bands`, each band's means registered (never a company's)."""
        bands = self._register_figure(bands, ["x", "y"])
        return plots.kpi_bands(bands, **kwargs)

    def heatmap(self, diff: pd.DataFrame):
        """A :func:`ksresearch.segment_heatmap` result as a coloured table
        (:func:`present.heat_table`): rows "segment: level", columns the constructs' names,
        every value shown ("–" where hidden), coloured only where the difference holds; every
        value registered as :meth:`table` does."""
        diff = self._release_hidden(diff)
        rows = {}
        for segment, level in diff.index:
            name = self.text(f"segment.{diff.attrs['roles'][segment]}")
            level_label = self.codebook.labels(segment, self.lang).get(int(level), level)
            rows[(segment, level)] = f"{name}: {level_label}"
        shown = diff.copy()  # the group's size first, then its differences
        shown.insert(0, "n", diff.attrs["n"].reindex(diff.index).astype("Int64"))
        columns = {"n": present.column("n", self.lang)}
        columns |= present.distinct({c: self.names.get(c, c) for c in diff.columns})
        styler = self.table(
            shown,
            labels=present.distinct(rows, lambda key: key[1]),
            columns=columns,
            caption=self.heat_legend(int(diff.attrs["p_adj"].notna().to_numpy().sum())),
        )
        classes = present.heat_classes(diff)
        classes.insert(0, "n", "")
        return present.heat_table(styler, classes)

    def heat_legend(self, tests: int) -> str:
        """Where a heatmap's colour deepens (:data:`present.HEAT_STEPS`), and what bold says
        (a difference that holds after Holm's correction across the ``tests`` cells)."""
        z, a, b, c = (self.number(step, 0) for step in present.HEAT_STEPS)
        return self.text("heatmap.legend", z=z, a=a, b=b, c=c, k=tests)

    def benchmark_diffs(self, bench: pd.DataFrame):
        """:func:`plots.benchmark_diffs` labelled with the section's names."""
        bench = self._register_figure(bench, ["company", "pool", "diff", "diff_low", "diff_high"])
        return plots.benchmark_diffs(bench, labels=self.names, lang=self.lang)

    def key_findings_rule(self):
        """How a key finding is decided (the rules of :mod:`ksresearch.study.keyfindings`)."""
        from .. import config

        return self.say(
            "kf.intro",
            d=self.number(config.MIN_BENCHMARK_DIFF, 0),
            k=self.number(config.MIN_KEY_DIFF, 0),
        )

    def key_findings(self, table: pd.DataFrame):
        """The key findings (:mod:`ksresearch.study.keyfindings`) as sentences: every number
        registered in the ledger like a table's, and a sentence whose number the release
        audit hides left out."""
        table = self._release_hidden(table)
        numbers = ["value", "reference", "diff", "low", "high", "count", "total"]
        shown = table[numbers].map(lambda v: present.fmt_number(v, self.lang, 3))
        self._register(shown, members_of(table))
        return present.key_findings(table, self.codebook, self.lang, year=self.year)

    def weighting_note(self, weighting: str):
        """The line saying how a section's tables are weighted (``tables_weighting.<scheme>``)."""
        return self.say(f"tables_weighting.{weighting}")

    def comment_labels(self, table: pd.DataFrame) -> dict:
        """Theme id -> its label in the section's language (from a comments result)."""
        return {k: v[self.lang] for k, v in table.attrs.get("labels", {}).items()}

    def comment_table(self, table: pd.DataFrame):
        """The themes of a :func:`ksresearch.comments` result: who wrote about each, and
        their share of those who commented."""
        columns = ["n_commenters", "commenter_share"]
        labels = self.comment_labels(table)
        return self.table(table, columns=columns, labels=labels, index_name="", percent=columns[1:])

    def comment_rule(self):
        """How comments are shown (the rule of :func:`ksresearch.comments`), after the
        questions whose answers they are."""
        from .. import config

        said = self.survey.comments
        asked = [] if said is None else list(dict.fromkeys(said["item"].dropna()))
        start, end = present.QUOTES[self.lang]
        return self.say(
            "comments.intro_asked" if asked else "comments.intro",
            questions=f"{end}, {start}".join(self.questions.get(i, i) for i in asked),
            theme=config.MIN_THEME_COMMENTERS,
            group=config.MIN_COMMENT_GROUP,
            k=config.MAX_COMMENT_EXAMPLES,
        )

    def comment_examples(self, table: pd.DataFrame):
        """The example comments of each theme (:func:`present.comment_examples`)."""
        return present.comment_examples(table, self.lang)

    def provenance(self, parameters: dict):
        """The provenance table ("About this report")."""
        return self.table(present.provenance(self.survey, parameters, self.lang), rests_on=SURVEY)
