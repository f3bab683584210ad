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
weighting = "respondent"
release = None

# %%
# Section 1 of the general report: data and response quality.
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("quality.title"))
display(S.say("quality.intro"))
summary = ks.response_summary(survey)
display(
    S.table(
        summary,
        labels=ks.report.present.step_names(summary.index, lang),
        decimals=0,
        caption=S.text("quality.steps"),
        rests_on="survey",  # the export's rows at each step, not a statistic of a group
    )
)

# %%
rates = ks.response_rate_summary(survey)
if not rates.empty:  # a year with headcounts.csv
    display(S.heading("participation.title", 3))
    display(S.say("participation.intro"))
    columns = ["invited", "n", "rate", "companies", "median", "lowest", "highest", "below"]
    percent = ["rate", "median", "lowest", "highest"]
    caption = S.text("participation.summary")
    display(
        S.table(rates, columns=columns, percent=percent, shares=[], decimals=0, caption=caption,
                labels={"all": S.text("participation.all")}, index_name="",
                rests_on="survey")  # the whole survey's invitations and answers
    )  # fmt: skip

# %%
display(S.heading("quality.weighting", 3))
display(S.say("quality.weighting_intro"))
display(S.weighting_note(weighting))
weights = ks.weighting_summary(survey)
labels = {w: S.text(f"weighting_name.{w}") for w in weights.index}
columns = ["n", "design_effect", "effective_n"]
display(
    S.table(
        weights,
        columns=columns,
        labels=labels,
        index_name="",
        decimals={"design_effect": 2, "effective_n": 0},
        rests_on="survey",  # each weighting of every respondent
    )
)

# %%
dont_know = ks.dont_know_by_construct(survey)
if not dont_know.empty:  # a questionnaire without constructs has no index to set it beside
    display(S.heading("quality.dont_know", 3))
    display(S.say("quality.dont_know_intro"))
    shares = ["dont_know", "any_dont_know"]
    columns = ["n", "index", *shares]
    display(S.table(dont_know, columns=columns, labels=S.names, index_name="", percent=shares))

# %%
sensitivity = ks.exclusion_sensitivity(survey)
if not sensitivity.empty:
    display(S.heading("quality.sensitivity", 3))
    display(S.say("quality.sensitivity_intro"))
    columns = ["n", "index", "n_all", "index_all", "difference"]
    display(S.table(sensitivity, columns=columns, labels=S.names, index_name=""))

# %%
df = ks.prepare(survey)
for role, key in (("industry", "quality.by_industry"), ("centre_size", "quality.by_size")):
    if survey.codebook.has_roles(role):
        display(S.heading(key, 3))
        counts = ks.segment_summary(df, S.role(role), {}, company=S.owner)
        display(S.table(counts, columns=["n"], index_name=""))
