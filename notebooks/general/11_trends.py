# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: trends.title
#     constructs: true
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# Section 11: change since last year (where measurement allows), and the provenance.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("trends.title"))
previous = S.previous()
if previous is None:
    display(S.say("trends.none"))
elif not ks.comparable_years(survey, previous):
    display(S.say("trends.not_comparable", previous_year=year - 1))
else:
    display(S.say("trends.intro"))
    trends = ks.construct_trends(survey, previous)
    fig = S.trend_dumbbell(trends, years=(year - 1, year))
    plt.show()
    columns = [
        "mean_previous",
        "mean_current",
        "change",
        "change_low",
        "change_high",
        "p_adj",
        "pooled_change",
        "n_companies",
        "comparable",
    ]
    caption = S.text("trends.constructs")
    table = S.table(
        trends,
        columns=columns,
        labels=S.names,
        index_name="",
        caption=caption,
        decimals={"p_adj": 3},
    )
    display(table)

# %%
display(S.heading("about.title"))
display(S.provenance({"year": year, "lang": lang, "min_group_size": min_group_size}))
