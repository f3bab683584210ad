# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: measurement.title
#     constructs: true
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# Section 2: reliability, factor structure and measurement invariance.
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("measurement.title"))
display(S.say("measurement.intro"))
display(S.heading("measurement.reliability", 3))
reliability = ks.reliability_by_construct(survey)
display(
    S.table(
        reliability,
        columns=["n_items", "n", "alpha", "ci_low", "ci_high", "omega_total"],
        labels=S.names,
        index_name="",
        decimals={"alpha": 2, "ci_low": 2, "ci_high": 2, "omega_total": 2},
    )
)
caveats = reliability.index[reliability["note"] != ""]
if len(caveats):
    display(S.say("measurement.caveat", themes=", ".join(S.names[c] for c in caveats)))

# %%
structure = ks.structure_summary(survey).iloc[0]
display(S.heading("measurement.structure", 3))
display(
    S.say(
        "measurement.structure_text",
        k=int(structure["pa_factors"]),
        c=int(structure["n_constructs"]),
        cfi=S.number(structure["cfi"], 3),
        rmsea=S.number(structure["rmsea"], 3),
        srmr=S.number(structure["srmr"], 3),
    )
)
if structure["note"]:
    display(S.say("measurement.structure_caveat"))

# %%
if survey.codebook.has_roles("shift_worker"):
    display(S.heading("measurement.invariance", 3))
    check = ks.measurement_check(survey, S.role("shift_worker"))
    display(S.table(check, columns=["verdict"], labels=S.names, index_name=""))
    caveats = check.index[check["note"] != ""]
    if len(caveats):
        display(S.say("measurement.caveat", themes=", ".join(S.names[c] for c in caveats)))
