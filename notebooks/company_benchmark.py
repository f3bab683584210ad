# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
# ---

# %% tags=["parameters"]
year = 2025
company = "Nordkraft AS"
lang = "nb"
min_group_size = 5
data_dir = None
weighting = "respondent"
release = None

# %%
# The benchmark report of one company against all others: run once per company by
# `ksresearch batch`. It must never name another company (the batch audits every HTML).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey
bench = ks.benchmark(survey, company, weighting=weighting)
previous = S.previous()
try:
    own_trend = (
        ks.company_trends(survey, previous, company)
        if ks.comparable_years(survey, previous)
        else None
    )
except ks.InsufficientDataError:  # the company did not take part last year
    own_trend = None

# %%
display(S.heading("benchmark.title", 1, company=company))
display(S.say("benchmark.intro", year=year))
display(S.say("benchmark.weighting", w=S.text(f"weighting.{weighting}")))

# %%
display(S.heading("kf.title"))
display(S.key_findings_rule())
found = ks.company_key_findings(survey, company, bench=bench, trends=own_trend)
display(S.key_findings(found))

# %%
rates = ks.response_rates(survey)
if company in rates.index:  # a year with headcounts.csv
    display(S.heading("participation.title"))
    display(S.say("participation.intro"))
    if rates.isna().at[company, "rate"]:
        display(S.say("participation.none"))
    else:
        own = rates.loc[[company]]
        display(S.table(own, columns=["invited", "n", "rate"], labels={company: company},
                        percent=["rate"], shares=[], decimals=0, index_name=""))  # fmt: skip
        if own.at[company, "low"]:
            display(S.say("participation.low", rate=S.number(ks.config.MIN_RESPONSE_RATE, 0, True)))
        if (ks.prepare(survey)[S.owner] == company).sum() < own.at[company, "n"]:
            display(S.say("participation.analysed"))  # why the tables count fewer

# %%
display(S.heading("benchmark.table"))
display(S.say("benchmark.table_rule", k=int(bench["p"].notna().sum())))
columns = [
    "n_company",
    "company",
    "dont_know",
    "pool",
    "diff",
    "diff_low",
    "diff_high",
    "assessment",
]
display(S.table(bench, columns=columns, labels=S.names, percent=["dont_know"]))
display(S.heading("benchmark.ranks", 3))
ranks = {"percentile": 0, "percentile_low": 0, "percentile_high": 0}
ranked = bench[bench["percentile"].notna()]  # a row of dashes would say nothing
if len(ranked):
    display(S.table(ranked, columns=list(ranks), labels=S.names, decimals=ranks))
else:
    display(S.say("benchmark.no_ranks", n=ks.config.MIN_PERCENTILE_N,
                  span=ks.config.MAX_PERCENTILE_SPAN))  # fmt: skip

# %%
fig = S.benchmark_diffs(bench)
plt.show()

# %%
own_kpis = ks.company_kpis(survey, company)
if not own_kpis.empty:  # a year with company_kpis.csv that gives this company's
    display(S.heading("customers.own_title"))
    display(S.say("customers.own_intro"))
    display(  # the company's own customer figures, given to us: no respondent's answer
        S.table(own_kpis, columns={"value": S.text("kpi_value")}, labels=S.names, index_name="",
                rests_on="survey")
    )  # fmt: skip

# %%
display(S.heading("benchmark.strengths"))
notable = bench[bench["assessment"].isin(["strength", "weakness"])].sort_values("assessment")
if notable.empty:
    display(S.say("benchmark.no_strengths"))
else:
    display(S.table(notable, columns=["company", "pool", "diff", "assessment"], labels=S.names))

# %%
display(S.heading("questions.title"))
questions = ks.question_benchmark(survey, company)
display(S.say("questions.intro", k=questions.attrs["tests"], ci=S.number(95, 0),
              d=S.number(ks.config.MIN_BENCHMARK_DIFF, 0)))  # fmt: skip
rows = {r: (S.questions[r] if k == "construct" else f"· {S.questions[r]}")
        for r, k in questions["kind"].items()}  # fmt: skip
columns = ["n_company", "company", "favourable_company", "pool", "favourable_pool", "diff",
           "diff_low", "diff_high", "assessment"]  # fmt: skip
favourable = ["favourable_company", "favourable_pool"]
display(S.table(questions, columns=columns, labels=rows, index_name="", percent=favourable))

# %%
display(S.heading("questions.focus"))
focus = ks.focus_areas(survey, questions)
outcome = S.questions[focus.attrs["outcome"]]
why = S.text(f"questions.focus_why.{focus.attrs['reason']}")
display(
    S.say("questions.focus_rule", k=ks.study.questions.MAX_FOCUS_AREAS, outcome=outcome, why=why)
)
if focus.empty:
    display(S.say("questions.no_focus"))
else:
    focus["reason"] = [
        S.text("questions.focus_reason", diff=S.number(abs(r["diff"])), low=S.number(r["diff_low"]),
               high=S.number(r["diff_high"]), rho=S.number(r["rho"], 2), outcome=outcome)
        for _, r in focus.iterrows()
    ]  # fmt: skip
    display(S.table(focus, columns=["company", "pool", "diff", "rho", "reason"], labels=S.questions,
                    index_name="", decimals={"rho": 2}))  # fmt: skip

# %%
display(S.heading("heatmap.title"))
try:  # a questionnaire without these segments or without constructs has nothing to map
    heat = ks.segment_heatmap(
        survey, ["job_role", "tenure", "shift_worker", "work_location"], company=company
    )
except ks.InsufficientDataError:
    heat = None
if heat is not None and heat.notna().to_numpy().any():
    display(S.say("heatmap.company_intro"))
    display(S.heatmap(heat))
else:
    display(S.say("heatmap.none"))

# %%
if S.codebook.has_roles("turnover_intention"):  # a survey without a turnover measure: no section
    display(S.heading("benchmark.drivers"))
    try:
        own = ks.company_drivers(survey, company)
    except ks.InsufficientDataError:
        display(S.say("benchmark.drivers_small"))
    else:
        fig = S.bar_ci(own, "share", labels=S.names, percent=True, xlabel=S.text("share_of_r2"))
        plt.show()

# %%
display(S.heading("company_trend.title"))
if own_trend is None:
    display(S.say("company_trend.none", previous_year=year - 1))
else:
    display(S.say("company_trend.intro", previous_year=year - 1))
    columns = ["mean_previous", "mean_current", "change", "change_low", "change_high", "p_adj"]
    headers = {c: S.text("company_trend.change" if c == "change" else c) for c in columns}
    display(
        S.table(own_trend, columns=headers, labels=S.names, index_name="", decimals={"p_adj": 3})
    )

# %%
display(S.heading("comments.title"))
display(S.comment_rule())
try:
    said = ks.comments(survey, company)
except ks.InsufficientDataError:
    display(S.say("comments.too_few"))
else:
    if said.empty:
        display(S.say("comments.no_theme"))
    else:
        display(S.comment_table(said))
        display(S.heading("comments.examples", 3))
        display(S.comment_examples(said))

# %%
display(S.heading("about.title"))
display(S.benchmark_rule(bench))
display(
    S.provenance({"year": year, "company": company, "lang": lang, "min_group_size": min_group_size})
)
