"""The questionnaire as data: items, scales, segments and constructs of one survey year.

A codebook is a YAML file next to each year's raw export (``data/raw/<year>/codebook.yaml``).
It is validated on load; any problem raises :class:`CodebookError` naming the file and the
place in it. See the README's "Codebook format" section for the full description.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

__all__ = [
    "CodebookError",
    "Text",
    "Scale",
    "Item",
    "Segment",
    "Construct",
    "Meta",
    "MetaColumn",
    "Responses",
    "Finished",
    "Option",
    "Flag",
    "Roles",
    "ROLE_KINDS",
    "Column",
    "Codebook",
    "load_codebook",
    "UniqueKeyLoader",
]

ItemType = Literal["likert", "nps", "single", "multi", "numeric", "text"]


class CodebookError(ValueError):
    """A codebook that cannot be used: malformed YAML or an inconsistent questionnaire."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Norwegian (``nb``, the default language) and English (``en``)."""

    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str = "nb") -> str:
        if lang not in ("nb", "en"):
            raise ValueError(f"language must be 'nb' or 'en', got {lang!r}")
        return getattr(self, lang)


class Option(Text):
    """One option of a multi item; ``source`` is its export column when the options come as
    one 0/1 column each and the column's name does not end in the option's code."""

    source: str | None = None


#: The largest code a scale may use, and the most points it may have.
_CODE_LIMIT, _MAX_POINTS = 1_000_000, 100


class Scale(_Strict):
    """A response scale: valid codes ``min..max`` (integers), labels, and codes meaning missing.

    ``dont_know`` codes ("vet ikke" / "don't know") and other ``missing`` codes (e.g. "not
    relevant") are valid answers in an export and become missing values on ingest.
    """

    min: int = Field(ge=-_CODE_LIMIT, le=_CODE_LIMIT)
    max: int = Field(ge=-_CODE_LIMIT, le=_CODE_LIMIT)
    labels: dict[int, Text] = Field(default_factory=dict)
    dont_know: list[int] = Field(default_factory=list)
    missing: list[int] = Field(default_factory=list)
    #: The codes counted favourable (their mirror unfavourable) where the report's default,
    #: the top and bottom two points, does not fit the scale.
    favourable: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        off = sorted(c for c in self.favourable if not self.min <= c <= self.max)
        if off:
            raise ValueError(f"favourable codes {off} are not on the scale {self.min}..{self.max}")
        if 2 * len(set(self.favourable)) > self.max - self.min + 1:
            raise ValueError(
                f"favourable codes {sorted(self.favourable)}: more than half of the scale's points"
            )
        if self.max - self.min > _MAX_POINTS:
            raise ValueError(
                f"{self.max - self.min + 1} points ({self.min}..{self.max}): a rating has at most "
                f"{_MAX_POINTS + 1}; a wider range is a numeric item"
            )
        special = set(self.dont_know) | set(self.missing)
        inside = sorted(c for c in special if self.min <= c <= self.max)
        if inside:
            raise ValueError(
                f"missing/don't-know codes {inside} lie inside the scale {self.min}..{self.max}"
            )
        stray = sorted(c for c in self.labels if not (self.min <= c <= self.max or c in special))
        if stray:
            raise ValueError(
                f"labels for codes {stray} that are neither on the scale nor missing codes"
            )
        return self

    @property
    def valid_codes(self) -> list[int]:
        """All codes an export may hold: the scale points plus the missing codes."""
        return list(range(self.min, self.max + 1)) + list(self.dont_know) + list(self.missing)

    @property
    def missing_codes(self) -> list[int]:
        return list(self.dont_know) + list(self.missing)


# ``construct`` shadows pydantic's deprecated ``BaseModel.construct`` classmethod: harmless, so
# the warning pydantic gives while the class is built is silenced there and nowhere else.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message='Field name "construct"', category=UserWarning)

    class Item(_Strict):
        """One question. ``source`` is its column in the export (default: the id). ``multi``
        items are exported as one 0/1 column per option (``<source>_<code>``, or each option's
        ``source``), or in one cell listing the chosen codes or labels split by ``delimiter``."""

        id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        type: ItemType
        text: Text
        construct: str | None = None
        scale: str | None = None
        options: dict[int, Option] = Field(default_factory=dict)
        source: str | None = None
        delimiter: str | None = None
        reverse: bool = False
        trend_id: str | None = None
        min: float | None = None
        max: float | None = None

        @model_validator(mode="after")
        def _check(self) -> Item:
            coded = self.type in ("likert", "nps", "single")
            if coded and self.scale is None:
                raise ValueError(f"item {self.id!r} of type {self.type} needs a 'scale'")
            if not coded and self.scale is not None:
                raise ValueError(f"item {self.id!r} of type {self.type} takes no 'scale'")
            if (self.type == "multi") != bool(self.options):
                raise ValueError(
                    f"item {self.id!r}: 'options' belong to (and are required by) multi items"
                )
            if self.reverse and self.type not in ("likert", "nps"):
                raise ValueError(f"item {self.id!r}: only likert or nps items can be reverse-keyed")
            if self.construct is not None and self.type not in ("likert", "nps"):
                raise ValueError(
                    f"item {self.id!r}: only likert or nps items can belong to a construct"
                )
            if self.delimiter is not None and self.type != "multi":
                raise ValueError(
                    f"item {self.id!r}: 'delimiter' is for multi items held in one cell"
                )
            if self.delimiter is not None and any(o.source for o in self.options.values()):
                raise ValueError(
                    f"item {self.id!r}: options held in one cell (delimiter) have no column of their own"
                )
            if (self.min is not None or self.max is not None) and self.type != "numeric":
                raise ValueError(
                    f"item {self.id!r}: 'min'/'max' are for numeric items; coded items use a scale"
                )
            return self


class Segment(_Strict):
    """A background variable to split results by. ``type: id`` holds free identifiers (company):
    names, or codes that its ``values`` name (``{1: {nb: Alfa AS, en: Alfa AS}}``), so that an
    export with the company as a code need not be rewritten."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: Text
    type: Literal["id", "category"] = "category"
    values: dict[int, Text] = Field(default_factory=dict)
    required: bool = False
    source: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Segment:
        if self.type == "category" and not self.values:
            raise ValueError(f"segment {self.id!r}: category segments need 'values'")
        return self


class Construct(_Strict):
    """A scale score: its label and how many of its items must be answered for a score."""

    label: Text
    min_items: int = Field(ge=1)
    #: Whether a higher score is the better result; unstated, a construct is read as "higher is
    #: better" except those the roles ``stress`` and ``turnover_intention`` name.
    higher_is_better: bool | None = None


class Flag(_Strict):
    """A 0/1 flag derived from one coded item or segment: 1 where the answer is one of
    ``codes``, 0 for any other answer, missing where there is no answer."""

    item: str | None = None
    segment: str | None = None
    codes: list[int] = Field(min_length=1)
    #: Whether a higher share is the better result; unstated, a share is descriptive (AI use,
    #: say), except the role ``quit_intent`` (lower is better).
    higher_is_better: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> Flag:
        if (self.item is None) == (self.segment is None):
            raise ValueError("a flag takes either 'item' or 'segment', not both or neither")
        return self

    @property
    def source(self) -> str:
        return self.item if self.item is not None else self.segment  # type: ignore[return-value]


#: Each role and what it must name: a segment, a construct, an item of given types, or a flag.
ROLE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "company": ("segment", ()),
    "industry": ("segment", ()),
    "centre_size": ("segment", ()),
    "job_role": ("segment", ()),
    "tenure": ("segment", ()),
    "education": ("segment", ()),
    "work_location": ("segment", ()),
    "turnover_intention": ("construct", ()),
    "involvement": ("construct", ()),
    "stress": ("construct", ()),
    "satisfaction": ("construct", ()),
    "technology": ("construct", ()),
    "attractiveness": ("construct", ()),
    "development": ("construct", ()),
    "ai_usefulness": ("construct", ()),
    "selfservice": ("construct", ()),
    "enps": ("item", ("nps",)),
    "education_relevance": ("item", ("likert", "single")),
    "ai_frequency": ("item", ("likert", "single")),
    "ai_use": ("item", ("multi",)),
    "quit_intent": ("flag", ()),
    "edu_relevant": ("flag", ()),
    "edu_irrelevant": ("flag", ()),
    "ai_user": ("flag", ()),
    "ai_weekly": ("flag", ()),
    "ai_daily": ("flag", ()),
    "more_complex": ("flag", ()),
    "shift_worker": ("flag", ()),
    "outcome": ("measure", ("likert", "nps")),
}


class Roles(_Strict):
    """What the KS study needs from a questionnaire, by the ids this codebook gives them.

    The study finds every question it analyses through these roles, never through a fixed id,
    so any codebook that declares them can be analysed; a report section whose roles a
    codebook lacks is left out. None is required: a survey of one organisation has no
    ``company`` (it gets the general report, and no company reports). See :data:`ROLE_KINDS`.
    """

    company: str | None = None
    industry: str | None = None
    centre_size: str | None = None
    job_role: str | None = None
    tenure: str | None = None
    education: str | None = None
    work_location: str | None = None
    turnover_intention: str | None = None
    involvement: str | None = None
    stress: str | None = None
    satisfaction: str | None = None
    technology: str | None = None
    attractiveness: str | None = None
    development: str | None = None
    ai_usefulness: str | None = None
    selfservice: str | None = None
    enps: str | None = None
    education_relevance: str | None = None
    ai_frequency: str | None = None
    ai_use: str | None = None
    quit_intent: Flag | None = None
    edu_relevant: Flag | None = None
    edu_irrelevant: Flag | None = None
    ai_user: Flag | None = None
    ai_weekly: Flag | None = None
    ai_daily: Flag | None = None
    more_complex: Flag | None = None
    shift_worker: Flag | None = None
    #: What the report's "what goes with it" and focus areas relate to: a construct or a
    #: rating item (default: turnover intention, else the eNPS, else the first construct).
    outcome: str | None = None

    def declared(self) -> dict[str, str | Flag]:
        """``{role: target}`` of the roles this codebook declares."""
        return {k: v for k, v in self if v is not None}

    def flags(self) -> dict[str, Flag]:
        """``{role: flag}`` of the declared flags."""
        return {k: v for k, v in self.declared().items() if isinstance(v, Flag)}


class MetaColumn(_Strict):
    """A technical column: its id in the processed data and its ``source`` in the export
    (default: the id). A duration may be ``computed`` from ``started_at`` and ``submitted_at``
    (``computed: true``); a respondent id from the file row (``computed: row``) where the
    export has no id: the row number is stable across re-runs of the same file. A date's
    ``format`` says its order where the values do not."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: str | None = None
    computed: bool | Literal["row"] = False
    #: How a date is written (``strftime``, e.g. ``"%m/%d/%y %H:%M"``), where its values
    #: cannot tell whether the day or the month comes first.
    format: str | None = None

    @property
    def export(self) -> str:
        return self.source if self.source is not None else self.id


class Meta(_Strict):
    """The export's technical columns. Each is an id (``respondent_id: respondent_id``) or an id
    with its export column (``{id: respondent_id, source: ResponseId}``); ``submitted_at``,
    ``started_at`` and ``duration`` may be left out (``null``)."""

    respondent_id: MetaColumn = MetaColumn(id="respondent_id")
    submitted_at: MetaColumn | None = MetaColumn(id="submitted_at")
    started_at: MetaColumn | None = None
    duration: MetaColumn | None = MetaColumn(id="duration_sec")

    @model_validator(mode="before")
    @classmethod
    def _ids_as_columns(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: {"id": v} if isinstance(v, str) else v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _check(self) -> Meta:
        for name in ("submitted_at", "started_at"):
            column = getattr(self, name)
            if column is not None and column.computed:
                raise ValueError(f"{name}: only the duration and the respondent id can be computed")
        rid = self.respondent_id
        if rid.computed not in (False, "row"):
            raise ValueError("respondent_id: computed takes 'row' (the file row number)")
        if rid.computed and rid.source is not None:
            raise ValueError("respondent_id: computed takes no source")
        if self.duration is not None and self.duration.computed == "row":
            raise ValueError("duration: computed takes true (from started_at and submitted_at)")
        for name in ("respondent_id", "duration"):
            column = getattr(self, name)
            if column is not None and column.format is not None:
                raise ValueError(f"{name}: 'format' is for dates (submitted_at, started_at)")
        if self.duration is not None and self.duration.computed:
            if self.started_at is None or self.submitted_at is None:
                raise ValueError("duration: computed needs started_at and submitted_at")
            if self.duration.source is not None:
                raise ValueError("duration: computed takes no source")
        return self

    def columns(self) -> dict[str, MetaColumn]:
        """``{kind: column}`` of the technical columns this codebook has."""
        names = ("respondent_id", "submitted_at", "started_at", "duration")
        return {k: getattr(self, k) for k in names if getattr(self, k) is not None}


class Finished(_Strict):
    """The tool's own word that a respondent finished: ``column`` holds one of ``values``
    (Qualtrics' ``Finished`` 1 or True)."""

    column: str
    values: list[str | int | float] = Field(min_length=1)


#: The quality flags ingest sets (``qc_<flag>``), each a rule that can leave answers out.
QUALITY_RULES = ("straightliner", "speeder", "duplicate_answers")


class Quality(_Strict):
    """Which quality flags leave a respondent out of the analyses (``quality: {exclude:
    [speeder]}``; default all three). Every flag is still set and counted; ``ingest
    --no-quality-exclusions`` leaves nobody out for one ingest."""

    exclude: list[Literal["straightliner", "speeder", "duplicate_answers"]] = Field(
        default_factory=lambda: list(QUALITY_RULES)
    )


class Responses(_Strict):
    """Which rows of the export are responses: ``column`` (as exported, e.g. Qualtrics'
    ``Status``) must hold one of ``values``, and at least ``min_answered`` of the questions
    must be answered. A respondent the tool marks as ``finished`` answered every question
    shown to them (display logic shows each only some): the share does not apply, one answer
    is enough. Other rows (previews, invited people who never started, empty rows) are set
    aside as ``not_a_response`` with the rule that applied."""

    column: str | None = None
    values: list[str | int | float] = Field(default_factory=list)
    min_answered: float = Field(0.0, ge=0.0, le=1.0)
    finished: Finished | None = None

    @model_validator(mode="after")
    def _check(self) -> Responses:
        if (self.column is None) != (not self.values):
            raise ValueError("responses: 'column' and 'values' go together")
        return self

    @property
    def columns(self) -> list[str]:
        """The export columns the rules read."""
        return [c for c in (self.column, self.finished and self.finished.column) if c]


@dataclass(frozen=True)
class Column:
    """One column of the processed data as the codebook defines it.

    ``kind`` is one of ``respondent_id``, ``submitted_at``, ``started_at``, ``duration``,
    ``segment``, ``item`` or ``option`` (one option of a multi item); ``source`` is the item or
    segment it belongs to; ``export`` the export's column it is read from (None for an option
    held in its item's one cell, or a computed duration); ``valid`` is the set of allowed codes
    (``None``: any value within ``min``/``max``); ``missing`` the codes that mean missing;
    ``labels`` the answer texts (nb and en) of each code, as they may stand in an export.
    """

    name: str
    kind: str
    source: str
    dtype: Literal["string", "int", "float", "datetime"]
    valid: frozenset[int] | None = None
    missing: frozenset[int] = frozenset()
    min: float | None = None
    max: float | None = None
    required: bool = False
    export: str | None = None
    labels: tuple[tuple[int, str], ...] = ()
    format: str | None = None
    #: An option read from a column of its own may be marked with its own code when chosen
    #: (``p0003`` = 3): that code reads as 1.
    chosen: int | None = None


class Codebook(_Strict):
    """A validated questionnaire. Build it with :func:`load_codebook`.

    Parameters
    ----------
    survey, organisation, year, version, meta, ignore, responses, quality, scales, segments, items, constructs, roles
        The keys of ``codebook.yaml`` (the user guide's "The codebook" gives each).

    Examples
    --------
    >>> from ksresearch import config, load_codebook
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> cb.year, cb.construct_items("involvement"), cb.role("turnover_intention")
    (2025, ['inv_1', 'inv_2', 'inv_3'], 'turnover_intention')
    """

    #: The survey's name, one for both languages or ``{nb: ..., en: ...}``: the reports'
    #: title.
    survey: str | Text
    #: Who took part, optional (``{nb: kundesentrene som deltok, en: the customer centres
    #: taking part}``): the reports' subtitle and "About" name it.
    organisation: str | Text | None = None
    year: int = Field(ge=2000, le=2100)
    version: str
    meta: Meta = Field(default_factory=Meta)
    ignore: list[str] = Field(default_factory=list)
    responses: Responses = Field(default_factory=Responses)
    quality: Quality = Field(default_factory=Quality)
    scales: dict[str, Scale]
    segments: list[Segment]
    items: list[Item]
    constructs: dict[str, Construct]
    roles: Roles
    _checksum: str = PrivateAttr(default="")
    _path: Path | None = PrivateAttr(default=None)

    @property
    def checksum(self) -> str:
        """sha256 of the codebook file it was loaded from ('' if built in memory)."""
        return self._checksum

    @property
    def path(self) -> Path | None:
        """The file it was loaded from."""
        return self._path

    @model_validator(mode="after")
    def _check(self) -> Codebook:
        for item in self.items:
            if item.scale is not None and item.scale not in self.scales:
                raise ValueError(
                    f"item {item.id!r} uses unknown scale {item.scale!r}; scales: {sorted(self.scales)}"
                )
            if item.construct is not None and item.construct not in self.constructs:
                raise ValueError(
                    f"item {item.id!r} names unknown construct {item.construct!r}; constructs: {sorted(self.constructs)}"
                )
        names = [c.name for c in self.columns]
        seen: set[str] = set()
        dupes = sorted({n for n in names if n in seen or seen.add(n)})
        if dupes:
            raise ValueError(f"column names used twice: {dupes}")
        exports = [c.export for c in self.columns if c.export is not None]
        seen = set()
        dupes = sorted({n for n in exports if n in seen or seen.add(n)})
        if dupes:
            raise ValueError(f"export columns (source) used twice: {dupes}")
        self._check_roles()
        trend = [i.trend_id for i in self.items if i.trend_id]
        if len(trend) != len(set(trend)):
            raise ValueError("a trend_id is used by more than one item")
        for cid, con in self.constructs.items():
            members = [i for i in self.items if i.construct == cid]
            if not members:
                raise ValueError(f"construct {cid!r} has no items")
            if con.min_items > len(members):
                raise ValueError(
                    f"construct {cid!r}: min_items {con.min_items} exceeds its {len(members)} items"
                )
            if len({i.scale for i in members}) > 1:
                raise ValueError(
                    f"construct {cid!r} mixes scales {sorted({i.scale for i in members})}"
                )
        return self

    def _check_roles(self) -> None:
        """Every declared role names something of its kind; flags name valid codes."""
        segments = {s.id: s for s in self.segments}
        items = {i.id: i for i in self.items}
        taken = set(segments) | set(items) | set(self.constructs)
        for role, target in self.roles.declared().items():
            kind, types = ROLE_KINDS[role]
            where = f"roles.{role}"
            if kind == "segment" and target not in segments:
                raise ValueError(
                    f"{where}: {target!r} is not a segment; segments: {sorted(segments)}"
                )
            if kind == "construct" and target not in self.constructs:
                raise ValueError(
                    f"{where}: {target!r} is not a construct; constructs: {sorted(self.constructs)}"
                )
            if kind == "measure" and target not in self.constructs:
                if target not in items or items[target].type not in types:
                    raise ValueError(
                        f"{where}: {target!r} is neither a construct nor a "
                        f"{' or '.join(types)} item"
                    )
            if kind == "item":
                if target not in items:
                    raise ValueError(f"{where}: {target!r} is not an item")
                if items[target].type not in types:
                    raise ValueError(
                        f"{where}: item {target!r} is {items[target].type}, must be {' or '.join(types)}"
                    )
            if kind == "flag":
                self._check_flag(where, target, segments, items)
                if role in taken:
                    raise ValueError(
                        f"{where}: the flag's name is also the id of a question or construct"
                    )
        if self.roles.company is not None and segments[self.roles.company].type != "id":
            raise ValueError(
                f"roles.company: segment {self.roles.company!r} must be of type id (company names)"
            )

    def _check_flag(self, where: str, flag: Flag, segments: dict, items: dict) -> None:
        if flag.segment is not None:
            if flag.segment not in segments:
                raise ValueError(f"{where}.segment: {flag.segment!r} is not a segment")
            valid = set(segments[flag.segment].values)
        else:
            item = items.get(flag.item)
            if item is None or item.scale is None:
                raise ValueError(
                    f"{where}.item: {flag.item!r} is not a coded item (likert, nps, single)"
                )
            scale = self.scales[item.scale]
            valid = set(range(scale.min, scale.max + 1))
        stray = sorted(set(flag.codes) - valid)
        if stray:
            raise ValueError(f"{where}.codes: {stray} are not answers of {flag.source!r}")

    # ------------------------------------------------------------------ lookups
    def survey_name(self, lang: str = "nb") -> str:
        """The survey's name in ``lang`` (``survey:``)."""
        return self.survey if isinstance(self.survey, str) else self.survey.get(lang)

    def organisation_name(self, lang: str = "nb") -> str | None:
        """Who took part, in ``lang`` (``organisation:``), or None."""
        org = self.organisation
        return org if org is None or isinstance(org, str) else org.get(lang)

    def role(self, name: str) -> str:
        """The id this codebook gives the role ``name`` (a segment, construct or item id).

        Raises
        ------
        KeyError
            The codebook declares no such role.
        """
        if name not in ROLE_KINDS:
            raise KeyError(f"no role {name!r}; roles: {sorted(ROLE_KINDS)}")
        target = getattr(self.roles, name)
        if target is None:
            raise KeyError(
                f"codebook {self.year} declares no role {name!r} (add it under 'roles:')"
            )
        return target.source if isinstance(target, Flag) else target

    def has_roles(self, *names: str) -> bool:
        """Whether the codebook declares every role in ``names``."""
        unknown = sorted(set(names) - set(ROLE_KINDS))
        if unknown:
            raise KeyError(f"no roles {unknown}; roles: {sorted(ROLE_KINDS)}")
        return all(getattr(self.roles, n) is not None for n in names)

    def missing_roles(self, names) -> list[str]:
        """The roles of ``names`` that this codebook does not declare."""
        return [n for n in names if not self.has_roles(n)]

    def item(self, item_id: str) -> Item:
        """The item called ``item_id``."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(
            f"no item {item_id!r} in codebook {self.year} (items: {[i.id for i in self.items]})"
        )

    def segment(self, segment_id: str) -> Segment:
        """The segment called ``segment_id``."""
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        raise KeyError(f"no segment {segment_id!r} in codebook {self.year}")

    def construct_items(self, construct: str) -> list[str]:
        """Ids of the items of ``construct``, in questionnaire order."""
        if construct not in self.constructs:
            raise KeyError(
                f"no construct {construct!r} in codebook {self.year} (constructs: {sorted(self.constructs)})"
            )
        return [i.id for i in self.items if i.construct == construct]

    def scale_of(self, item_id: str) -> Scale:
        """The response scale of a coded item."""
        item = self.item(item_id)
        if item.scale is None:
            raise KeyError(f"item {item_id!r} ({item.type}) has no scale")
        return self.scales[item.scale]

    def by_trend_id(self) -> dict[str, str]:
        """``{trend_id: item id}`` for the items tracked across years."""
        return {i.trend_id: i.id for i in self.items if i.trend_id}

    def labels(self, column: str, lang: str = "nb") -> dict[int, str]:
        """Value labels ``{code: label}`` of a segment, a coded item, or a multi item's options."""
        for seg in self.segments:
            if seg.id == column:
                return {k: v.get(lang) for k, v in seg.values.items()}
        item = self.item(column)
        if item.type == "multi":
            return {k: v.get(lang) for k, v in item.options.items()}
        return {k: v.get(lang) for k, v in self.scale_of(column).labels.items()}

    def text(self, name: str, lang: str = "nb") -> str:
        """Question text of an item or segment, or the label of a construct."""
        if name in self.constructs:
            return self.constructs[name].label.get(lang)
        for seg in self.segments:
            if seg.id == name:
                return seg.text.get(lang)
        return self.item(name).text.get(lang)

    # ------------------------------------------------------------------ export layout
    def _item_columns(self) -> Iterator[Column]:
        for item in self.items:
            export = item.source if item.source is not None else item.id
            if item.type == "multi":
                for code, option in item.options.items():
                    own = option.source if option.source is not None else f"{export}_{code}"
                    mark = code if option.source is not None and code not in (0, 1) else None
                    valid = frozenset({0, 1} | ({mark} if mark is not None else set()))
                    yield Column(f"{item.id}_{code}", "option", item.id, "int", valid,
                                 export=None if item.delimiter else own, chosen=mark)  # fmt: skip
            elif item.type == "numeric":
                yield Column(
                    item.id, "item", item.id, "float", min=item.min, max=item.max, export=export
                )
            elif item.type == "text":
                yield Column(item.id, "item", item.id, "string", export=export)
            else:
                scale = self.scales[item.scale]  # type: ignore[index]
                yield Column(item.id, "item", item.id, "int", frozenset(scale.valid_codes),
                             frozenset(scale.missing_codes), export=export, labels=_labels_of(scale.labels))  # fmt: skip

    def _meta_columns(self) -> Iterator[Column]:
        dtypes = {
            "respondent_id": "string",
            "submitted_at": "datetime",
            "started_at": "datetime",
            "duration": "float",
        }
        for kind, column in self.meta.columns().items():
            export = None if column.computed else column.export
            yield Column(column.id, kind, column.id, dtypes[kind], min=0.0 if kind == "duration" else None,
                         required=kind == "respondent_id", export=export, format=column.format)  # fmt: skip

    @cached_property
    def columns(self) -> list[Column]:
        """Every column of the processed data, in order (meta, segments, items); made once
        (a codebook is frozen), since ingest asks for it per export column."""
        cols = list(self._meta_columns())
        for seg in self.segments:
            export = seg.source if seg.source is not None else seg.id
            if seg.type == "id":
                cols.append(
                    Column(seg.id, "segment", seg.id, "string", required=seg.required,
                           export=export, labels=_labels_of(seg.values))
                )  # fmt: skip
            else:
                cols.append(Column(seg.id, "segment", seg.id, "int", frozenset(seg.values), required=seg.required,
                                   export=export, labels=_labels_of(seg.values)))  # fmt: skip
        cols.extend(self._item_columns())
        return cols

    @cached_property
    def export_columns(self) -> list[str]:
        """The export's columns this codebook reads (a delimited multi item's one cell once)."""
        out = [c.export for c in self.columns if c.export is not None]
        out += [i.source or i.id for i in self.items if i.type == "multi" and i.delimiter]
        return out

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def items_of_type(self, *types: str) -> list[str]:
        """Ids of the items of the given types, e.g. ``items_of_type("likert")``."""
        return [i.id for i in self.items if i.type in types]


def _labels_of(labels: dict[int, Text]) -> tuple[tuple[int, str], ...]:
    """(code, text) for each code's Norwegian and English label."""
    return tuple((code, text) for code, t in labels.items() for text in (t.nb, t.en))


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file.

    Parameters
    ----------
    path : str or Path
        The ``codebook.yaml`` file.

    Returns
    -------
    Codebook
        The validated questionnaire, with ``checksum`` (sha256 of the file) and ``path`` set.

    Raises
    ------
    CodebookError
        If the file is missing, is not valid YAML, or describes an inconsistent
        questionnaire; the message names the file and the place in it.

    Examples
    --------
    >>> from ksresearch import config
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> cb.year, cb.construct_items("turnover_intention")
    (2025, ['toi_1', 'toi_2', 'toi_3'])
    """
    path = Path(path)
    if not path.is_file():
        raise CodebookError(f"codebook {path}: file not found")
    raw = path.read_bytes()
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=UniqueKeyLoader)  # noqa: S506 (a safe loader)
    except UnicodeDecodeError as exc:
        raise CodebookError(f"codebook {path}: not UTF-8 text (byte {exc.start})") from exc
    except ValueError as exc:  # int() of a number over Python's 4,300 digits
        raise CodebookError(f"codebook {path}: a number too long to read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CodebookError(
            f"codebook {path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}"
        ) from exc
    if not isinstance(data, dict):
        raise CodebookError(
            f"codebook {path}: expected a mapping at the top, got {type(data).__name__}"
        )
    try:
        cb = Codebook.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = _describe_loc(data, err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{loc}: {msg}" if loc else msg)
        raise CodebookError(f"codebook {path}: " + "; ".join(problems)) from None
    cb._checksum = hashlib.sha256(raw).hexdigest()
    cb._path = path.resolve()
    return cb


class UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's, where built in
    """A safe loader that refuses a key given twice in one mapping (YAML's loaders keep the
    last silently: a second ``higher_is_better`` would flip the first)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice (lines {seen[key]} and {line})",
                    key_node.start_mark,
                )  # fmt: skip
            if isinstance(key, (str, int, float, bool)):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _describe_loc(data: object, loc: tuple) -> str:
    """``('items', 3, 'scale')`` -> ``items[3] (id 'mot_1').scale``."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]  # type: ignore[index]
                if isinstance(node, dict) and "id" in node:
                    out += f" (id {node['id']!r})"
            except (IndexError, KeyError, TypeError):
                node = None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out
