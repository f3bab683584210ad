# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: selfservice.title
#     roles: [selfservice, more_complex, industry]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
weighting = "respondent"
release = None

# %%
# Section 7: self-service and the customer dialogue (asked from 2025).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("selfservice.title"))
display(S.say("selfservice.intro"))
display(S.weighting_note(weighting))
display(S.heading("selfservice.by_industry", 3))
table = ks.selfservice_by_industry(survey, weighting=weighting)
fig = S.bar_ci(table, "selfservice_index", xlabel=S.text("selfservice_index"))
plt.show()
display(
    S.table(
        table,
        columns=["n", "selfservice_index", "more_complex_share"],
        percent=["more_complex_share"],
        index_name="",
    )
)
