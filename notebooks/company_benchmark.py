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

# %%
# The benchmark report of one company against all others: run once per company by
# `ksresearch batch`. It must never name another company (the batch audits every HTML).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir)
survey = S.survey
bench = ks.benchmark(survey, company, weighting=weighting)

# %%
display(S.heading("benchmark.title", 1, company=company))
display(S.say("benchmark.intro", year=year))
display(S.say("benchmark.weighting", w=S.text(f"weighting.{weighting}")))

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
                        percent=["rate"], decimals=0, index_name=""))  # fmt: skip
        if own.at[company, "low"]:
            display(S.say("participation.low", rate=S.number(ks.config.MIN_RESPONSE_RATE, 0, True)))

# %%
display(S.heading("benchmark.table"))
columns = [
    "n_company",
    "company",
    "dont_know",
    "pool",
    "diff",
    "diff_low",
    "diff_high",
    "percentile",
    "percentile_low",
    "percentile_high",
    "assessment",
]
ranks = {"percentile": 0, "percentile_low": 0, "percentile_high": 0}
display(S.table(bench, columns=columns, labels=S.names, decimals=ranks, percent=["dont_know"]))

# %%
fig = S.benchmark_diffs(bench)
plt.show()

# %%
display(S.heading("benchmark.strengths"))
notable = bench[bench["assessment"].isin(["strength", "weakness"])].sort_values("assessment")
if notable.empty:
    display(S.say("benchmark.no_strengths"))
else:
    display(S.table(notable, columns=["company", "pool", "diff", "assessment"], labels=S.names))

# %%
display(S.heading("benchmark.drivers"))
try:
    own = ks.company_drivers(survey, company)
except ks.InsufficientDataError:
    display(S.say("benchmark.drivers_small"))
else:
    fig = S.bar_ci(own, "share", labels=S.names, percent=True, xlabel=S.text("share_of_r2"))
    plt.show()

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
