# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: size.title
#     roles: [centre_size, enps]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
weighting = "respondent"
release = None

# %%
# Section 8: results by size of the customer centre, as the expert-panel study split them.
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("size.title"))
display(S.weighting_note(weighting))
sizes = ks.by_centre_size(survey, weighting=weighting)
constructs = ks.tracked_constructs(survey.codebook)
measures = {"n": S.text("n"), **{c: S.names[c] for c in constructs}, "enps": "eNPS"}
bands = sizes.index[sizes["n"].notna()]  # measures as rows, the bands shown as columns: it fits
turned = ks.transposed(sizes.loc[bands, list(measures)])
display(S.table(turned, columns=S.value_labels(bands), labels=measures, decimals=0))

# %%
display(S.heading("heatmap.title", 3))
try:  # too few respondents in every band but one leaves nothing to map
    heat = ks.segment_heatmap(survey, ["industry", "centre_size"])
except ks.InsufficientDataError:
    heat = None
if heat is not None and heat.notna().to_numpy().any():
    display(S.say("heatmap.general_intro"))
    display(S.heatmap(heat))
else:
    display(S.say("heatmap.none"))
