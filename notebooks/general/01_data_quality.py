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
lang = "nb"
min_group_size = 5
data_dir = None

# %%
# Section 1 of the general report: title, data and response quality.
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("report.title", lang, year=year), 1))
display(P.say("report.subtitle", lang, year=year))

# %%
display(P.heading(P.text("quality.title", lang)))
display(P.say("quality.intro", lang))
summary = ks.response_summary(survey)
display(
    P.table(
        summary,
        lang,
        index_labels=P.step_names(summary.index, lang),
        decimals=0,
        caption=P.text("quality.steps", lang),
    )
)

# %%
df = ks.prepare(survey)
display(P.heading(P.text("quality.by_industry", lang), 3))
display(
    P.table(
        ks.segment_summary(df, "industry", {}, codebook=cb, lang=lang, min_n=min_group_size),
        lang,
        columns=["n"],
        index_name="",
        min_n=min_group_size,
    )
)
display(P.heading(P.text("quality.by_size", lang), 3))
display(
    P.table(
        ks.segment_summary(df, "centre_size", {}, codebook=cb, lang=lang, min_n=min_group_size),
        lang,
        columns=["n"],
        index_name="",
        min_n=min_group_size,
    )
)
