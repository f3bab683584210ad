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
# Section 2: reliability, factor structure and measurement invariance.
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("measurement.title", lang)))
display(P.say("measurement.intro", lang))
display(P.heading(P.text("measurement.reliability", lang), 3))
display(
    P.table(
        ks.reliability_by_construct(survey),
        lang,
        index_labels=names,
        index_name="",
        decimals={"alpha": 2, "ci_low": 2, "ci_high": 2, "omega_total": 2},
    )
)

# %%
structure = ks.structure_summary(survey).iloc[0]
display(P.heading(P.text("measurement.structure", lang), 3))
display(
    P.say(
        "measurement.structure_text",
        lang,
        k=int(structure["pa_factors"]),
        c=int(structure["n_constructs"]),
        cfi=P.fmt_number(structure["cfi"], lang, 3),
        rmsea=P.fmt_number(structure["rmsea"], lang, 3),
        srmr=P.fmt_number(structure["srmr"], lang, 3),
    )
)

# %%
if "shift_work" in {s.id for s in cb.segments}:
    display(P.heading(P.text("measurement.invariance", lang), 3))
    check = ks.measurement_check(survey, "shift_work")
    display(P.table(check, lang, columns=["verdict"], index_labels=names, index_name=""))
