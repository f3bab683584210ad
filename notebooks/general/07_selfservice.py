# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     requires: [ss_1]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None

# %%
# Section 7: self-service and the customer dialogue (asked from 2025).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("selfservice.title", lang)))
display(P.say("selfservice.intro", lang))
display(P.heading(P.text("selfservice.by_industry", lang), 3))
table = ks.selfservice_by_industry(survey, lang=lang, min_n=min_group_size)
fig = ks.plots.bar_ci(
    table, "selfservice_index", lang=lang, xlabel=P.text("selfservice_index", lang)
)
plt.show()
display(
    P.table(
        table,
        lang,
        columns=["n", "selfservice_index", "more_complex_share"],
        percent=["more_complex_share"],
        index_name="",
        min_n=min_group_size,
    )
)
