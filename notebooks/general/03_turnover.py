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
# Section 3: turnover intention, its drivers, and the role of education and involvement.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("turnover.title", lang)))
display(P.say("turnover.intro", lang))
drivers = ks.turnover_drivers(survey, n_boot=200, seed=1)
display(P.heading(P.text("turnover.drivers", lang), 3))
fig = ks.plots.bar_ci(
    drivers,
    "share",
    low="share_low",
    high="share_high",
    labels=names,
    percent=True,
    lang=lang,
    xlabel=P.text("share_of_r2", lang),
)
plt.show()
display(
    P.say("turnover.drivers_caption", lang, r2=P.fmt_number(drivers.attrs["r2"], lang, 2), b=200)
)

# %%
display(
    P.table(
        ks.quit_intent_drivers(survey),
        lang,
        columns=["odds_ratio", "ci_low", "ci_high"],
        index_labels=names,
        index_name="",
        decimals=2,
    )
)

# %%
for segment, key in (("role", "turnover.by_role"), ("tenure", "turnover.by_tenure")):
    display(P.heading(P.text(key, lang), 3))
    display(
        P.table(
            ks.turnover_by(survey, segment, lang=lang, min_n=min_group_size),
            lang,
            columns=["n", "turnover_index", "quit_share"],
            percent=["quit_share"],
            index_name="",
            min_n=min_group_size,
        )
    )

# %%
display(P.heading(P.text("turnover.education", lang), 3))
display(
    P.table(
        ks.education_and_involvement(survey, min_n=min_group_size),
        lang,
        columns=["n", "turnover_index", "quit_share", "attractiveness_index"],
        percent=["quit_share"],
        index_labels=names,
        index_name="",
        min_n=min_group_size,
    )
)

# %%
display(P.heading(P.text("turnover.priority", lang), 3))
display(
    P.table(
        ks.turnover_priorities(survey, drivers),
        lang,
        percent=["importance"],
        index_labels=names,
        index_name="",
    )
)
