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
# Section 5: competence and the relevance of formal education.
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("competence.title", lang)))
display(P.say("competence.intro", lang))
display(P.heading(P.text("competence.relevance", lang), 3))
display(
    P.table(
        ks.education_relevance(survey, min_n=min_group_size),
        lang,
        columns=["n", "mean", "agree_share", "disagree_share"],
        percent=["agree_share", "disagree_share"],
        index_labels={"all": ""},
        index_name="",
        decimals={"mean": 2},
    )
)

# %%
display(P.heading(P.text("competence.by_education", lang), 3))
display(
    P.table(
        ks.education_relevance(survey, by="education", lang=lang, min_n=min_group_size),
        lang,
        columns=["n", "mean", "agree_share", "disagree_share"],
        percent=["agree_share", "disagree_share"],
        index_name="",
        decimals={"mean": 2},
        min_n=min_group_size,
    )
)

# %%
display(P.heading(P.text("competence.links", lang), 3))
links = ks.competence_links(survey)
links.index = [f"{names[a]} → {names[b]}" for a, b in links.index]
display(P.table(links, lang, columns=["n", "r", "ci_low", "ci_high"], index_name="", decimals=2))
