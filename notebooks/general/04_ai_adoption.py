# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: ai.title
#     roles: [ai_frequency, ai_user, ai_weekly, ai_daily, ai_use, ai_usefulness, industry, centre_size, job_role, stress, satisfaction, technology, turnover_intention]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
weighting = "respondent"
release = None

# %%
# Section 4: AI and large language models (asked from 2025).
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("ai.title"))
display(S.say("ai.intro"))
display(S.weighting_note(weighting))
by_industry = ks.ai_adoption_by(survey, S.role("industry"), weighting=weighting)
display(S.heading("ai.by_industry", 3))
fig = S.bar_ci(by_industry, "user_share", percent=True, xlabel=S.text("user_share"))
plt.show()
shares = ["user_share", "weekly_share", "daily_share"]
display(S.table(by_industry, columns=["n", *shares], percent=shares, index_name=""))

# %%
display(S.heading("ai.by_size", 3))
by_size = ks.ai_adoption_by(survey, S.role("centre_size"), weighting=weighting)
display(S.table(by_size, columns=["n", *shares], percent=shares, index_name=""))

# %%
display(S.heading("ai.use_cases", 3))
cases = ks.ai_use_cases(survey, weighting=weighting)
fig = S.bar_ci(cases, "share", low="ci_low", high="ci_high", percent=True, xlabel=S.text("share"))
plt.show()

# %%
display(S.heading("ai.usefulness", 3))
usefulness = ks.ai_usefulness_by(survey, S.role("job_role"), weighting=weighting)
display(S.table(usefulness, columns=["n", "usefulness_index"], index_name=""))
display(S.heading("ai.association", 3))
display(
    S.table(
        ks.ai_association(survey),
        columns=["diff", "diff_low", "diff_high", "adjusted_diff", "adjusted_low", "adjusted_high"],
        labels=S.names,
        index_name="",
    )
)
