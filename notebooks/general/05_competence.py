# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: competence.title
#     roles: [education_relevance, edu_relevant, edu_irrelevant, education, development, attractiveness, turnover_intention]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
weighting = "respondent"
release = None

# %%
# Section 5: competence and the relevance of formal education.
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("competence.title"))
display(S.say("competence.intro"))
display(S.weighting_note(weighting))
display(S.heading("competence.relevance", 3))
columns = ["n", "mean", "agree_share", "disagree_share"]
shares = ["agree_share", "disagree_share"]
display(
    S.table(
        ks.education_relevance(survey, weighting=weighting),
        columns=columns,
        percent=shares,
        labels={"all": ""},
        index_name="",
        decimals={"mean": 2},
    )
)

# %%
display(S.heading("competence.by_education", 3))
by_education = ks.education_relevance(survey, by=S.role("education"), weighting=weighting)
display(S.table(by_education, columns=columns, percent=shares, index_name="", decimals={"mean": 2}))

# %%
display(S.heading("competence.links", 3))
links = ks.renamed(ks.competence_links(survey), index=lambda ab: " → ".join(S.names[x] for x in ab))
display(S.table(links, columns=["n", "r", "ci_low", "ci_high"], index_name="", decimals=2))
