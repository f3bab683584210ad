# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: shift.title
#     roles: [shift_worker]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# Section 6: shift work, raw and within companies.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("shift.title"))
display(S.say("shift.intro"))
shift = ks.shift_work(survey)
fig = S.compare_diffs(shift, title=S.text("shift.comparison"))
plt.show()
display(
    S.table(
        shift,
        columns=[
            "diff",
            "adjusted_diff",
            "adjusted_low",
            "adjusted_high",
            "hedges_g",
            "comparable",
        ],
        labels=S.names,
        index_name="",
        decimals={"hedges_g": 2},
    )
)
