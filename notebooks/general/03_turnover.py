# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: turnover.title
#     roles: [turnover_intention, quit_intent, education_relevance, involvement, attractiveness, job_role, tenure]
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
weighting = "respondent"
release = None

# %%
# Section 3: turnover intention, its drivers, and the role of education and involvement.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("turnover.title"))
display(S.say("turnover.intro"))
display(S.weighting_note(weighting))
drivers = ks.turnover_drivers(survey, n_boot=1000, seed=1)
display(S.heading("turnover.drivers", 3))
fig = S.bar_ci(
    drivers,
    "share",
    low="share_low",
    high="share_high",
    labels=S.names,
    percent=True,
    xlabel=S.text("share_of_r2"),
)
plt.show()
display(S.say("turnover.drivers_caption", r2=S.number(drivers.attrs["r2"], 2), b=1000))

# %%
display(
    S.table(
        ks.quit_intent_drivers(survey),
        columns=["odds_ratio", "ci_low", "ci_high"],
        labels=S.names,
        index_name="",
        decimals=2,
    )
)

# %%
for role, key in (("job_role", "turnover.by_role"), ("tenure", "turnover.by_tenure")):
    display(S.heading(key, 3))
    display(
        S.table(
            ks.turnover_by(survey, S.role(role), weighting=weighting),
            columns=["n", "turnover_index", "quit_share"],
            percent=["quit_share"],
            index_name="",
        )
    )

# %%
display(S.heading("turnover.education", 3))
display(
    S.table(
        ks.education_and_involvement(survey, weighting=weighting),
        columns=["n", "turnover_index", "quit_share", "attractiveness_index"],
        percent=["quit_share"],
        labels=S.names,
        index_name="",
    )
)

# %%
display(S.heading("turnover.priority", 3))
display(
    S.table(
        ks.turnover_priorities(survey, drivers),
        percent=["importance"],
        labels=S.names,
        index_name="",
    )
)
