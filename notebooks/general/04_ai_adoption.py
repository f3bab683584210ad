# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     requires: [ai_freq]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None

# %%
# Section 4: AI and large language models (asked from 2025).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("ai.title", lang)))
display(P.say("ai.intro", lang))
by_industry = ks.ai_adoption_by(survey, "industry", lang=lang, min_n=min_group_size)
display(P.heading(P.text("ai.by_industry", lang), 3))
fig = ks.plots.bar_ci(
    by_industry, "user_share", percent=True, lang=lang, xlabel=P.text("user_share", lang)
)
plt.show()
display(
    P.table(
        by_industry,
        lang,
        columns=["n", "user_share", "weekly_share", "daily_share"],
        percent=["user_share", "weekly_share", "daily_share"],
        index_name="",
        min_n=min_group_size,
    )
)

# %%
display(P.heading(P.text("ai.by_size", lang), 3))
display(
    P.table(
        ks.ai_adoption_by(survey, "centre_size", lang=lang, min_n=min_group_size),
        lang,
        columns=["n", "user_share", "weekly_share", "daily_share"],
        percent=["user_share", "weekly_share", "daily_share"],
        index_name="",
        min_n=min_group_size,
    )
)

# %%
display(P.heading(P.text("ai.use_cases", lang), 3))
cases = ks.ai_use_cases(survey, lang=lang, min_n=min_group_size)
fig = ks.plots.bar_ci(
    cases,
    "share",
    low="ci_low",
    high="ci_high",
    percent=True,
    lang=lang,
    xlabel=P.text("share", lang),
)
plt.show()

# %%
display(P.heading(P.text("ai.usefulness", lang), 3))
display(
    P.table(
        ks.ai_usefulness_by(survey, "role", lang=lang, min_n=min_group_size),
        lang,
        columns=["n", "usefulness_index"],
        index_name="",
        min_n=min_group_size,
    )
)
display(P.heading(P.text("ai.association", lang), 3))
display(
    P.table(
        ks.ai_association(survey, min_n=min_group_size),
        lang,
        columns=["diff", "diff_low", "diff_high", "adjusted_diff", "adjusted_low", "adjusted_high"],
        index_labels=names,
        index_name="",
    )
)
