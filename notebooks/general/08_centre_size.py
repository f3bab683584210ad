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
# Section 8: results by size of the customer centre, as the expert-panel study split them.
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("size.title", lang)))
sizes = ks.by_centre_size(survey, lang=lang, min_n=min_group_size)
constructs = ks.tracked_constructs(cb)
display(
    P.table(
        sizes,
        lang,
        columns={"n": P.text("n", lang), **{c: names[c] for c in constructs}, "enps": "eNPS"},
        index_name="",
        decimals=0,
        min_n=min_group_size,
    )
)
