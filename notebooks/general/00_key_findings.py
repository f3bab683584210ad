# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: kf.title
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# The general report's opening: its title and its key findings, each sentence decided by a
# tested rule on the year's results (ksresearch.study.keyfindings).
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(ks.report.present.heading(S.title(), 1))
display(S.subtitle())

# %%
display(S.heading("kf.title"))
display(S.key_findings_rule())
found = ks.general_key_findings(survey, S.previous(), n_boot=1000, seed=1)
display(S.key_findings(found))
