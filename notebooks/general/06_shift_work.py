# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     requires: [shift_work]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None

# %%
# Section 6: shift work, raw and within companies.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("shift.title", lang)))
display(P.say("shift.intro", lang))
shift = ks.shift_work(survey, min_n=min_group_size)
fig = ks.plots.compare_diffs(shift, labels=names, lang=lang, title=P.text("shift.comparison", lang))
plt.show()
display(
    P.table(
        shift,
        lang,
        columns=[
            "diff",
            "adjusted_diff",
            "adjusted_low",
            "adjusted_high",
            "hedges_g",
            "comparable",
        ],
        index_labels=names,
        index_name="",
        decimals={"hedges_g": 2},
    )
)
