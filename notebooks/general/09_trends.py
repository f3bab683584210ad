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
# Section 9: change since last year (where measurement allows), and the provenance.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

P = ks.present
ks.plots.style()
survey = ks.load(year, data_dir)
cb = survey.codebook
names = P.names(cb, lang)

# %%
display(P.heading(P.text("trends.title", lang)))
previous = ks.try_load(year - 1, data_dir)
if previous is None:
    display(P.say("trends.none", lang))
else:
    display(P.say("trends.intro", lang))
    trends = ks.construct_trends(survey, previous, min_n=min_group_size)
    fig = ks.plots.trend_dumbbell(trends, labels=names, lang=lang, years=(year - 1, year))
    plt.show()
    display(
        P.table(
            trends,
            lang,
            columns=[
                "mean_previous",
                "mean_current",
                "change",
                "change_low",
                "change_high",
                "comparable",
            ],
            index_labels=names,
            index_name="",
            caption=P.text("trends.constructs", lang),
        )
    )

# %%
display(P.heading(P.text("about.title", lang)))
parameters = {"year": year, "lang": lang, "min_group_size": min_group_size}
display(P.table(P.provenance(survey, parameters, lang), lang, index_name=""))
