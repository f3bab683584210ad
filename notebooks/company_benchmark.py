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

# %%
# The benchmark report of one company against all others: run once per company by
# `ksresearch batch`. It must never name another company (the batch audits every HTML).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)
bench = ks.benchmark(survey, company, lang=lang, min_n=min_group_size)

# %%
display(P.heading(P.text("benchmark.title", lang, company=company), 1))
display(P.say("benchmark.intro", lang, year=year))
display(P.say("benchmark.weighting", lang, w=P.text("respondent", lang)))

# %%
display(P.heading(P.text("benchmark.table", lang)))
display(
    P.table(
        bench.set_index("label"),
        lang,
        columns=[
            "n_company",
            "company",
            "pool",
            "diff",
            "diff_low",
            "diff_high",
            "percentile",
            "assessment",
        ],
        decimals={"percentile": 0},
    )
)

# %%
fig = ks.plots.benchmark_diffs(bench, lang=lang)
plt.show()

# %%
display(P.heading(P.text("benchmark.strengths", lang)))
notable = bench[bench["assessment"].isin(["strength", "weakness"])].sort_values("assessment")
display(
    P.table(notable.set_index("label"), lang, columns=["company", "pool", "diff", "assessment"])
)

# %%
display(P.heading(P.text("benchmark.drivers", lang)))
try:
    own = ks.company_drivers(survey, company)
except ValueError:
    display(P.say("benchmark.drivers_small", lang))
else:
    fig = ks.plots.bar_ci(
        own, "share", labels=names, percent=True, lang=lang, xlabel=P.text("share_of_r2", lang)
    )
    plt.show()

# %%
display(P.heading(P.text("about.title", lang)))
parameters = {"year": year, "company": company, "lang": lang, "min_group_size": min_group_size}
display(P.table(P.provenance(survey, parameters, lang), lang, index_name=""))
