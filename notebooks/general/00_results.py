# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: results.title
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# The backbone of the general report, from the codebook alone (no role needed): every theme
# with its questions, every other question, and every theme by every background group.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey
codebook = S.codebook

# %%
display(S.heading("results.title"))
display(S.say("results.intro"))
results = ks.question_results(survey)
themes = results[results["kind"] == "construct"]
if not themes.empty:
    display(S.heading("results.themes", 3))
    display(S.rating_table(themes))
    fig = S.answer_bars(themes)
    plt.show()

# %%
for theme in themes.index:
    questions = results[(results["theme"] == theme) & (results["kind"] != "construct")]
    caption = S.text("results.items_caption", theme=S.questions[theme])
    display(S.rating_table(questions, caption=caption))
    fig = S.answer_bars(questions)
    plt.show()

# %%
loose = results[(results["theme"] == "") & (results["kind"] == "item")]
if not loose.empty:
    display(S.heading("results.loose", 3))
    display(S.rating_table(loose))
    fig = S.answer_bars(loose)
    plt.show()

# %%
nps = ks.renamed(
    results[results["kind"] == "nps"],
    {"favourable": "promoters", "neutral": "passives", "unfavourable": "detractors"},
)
if not nps.empty:
    display(S.heading("results.nps", 3))
    display(S.say("results.nps_intro"))
    parts = ["promoters", "passives", "detractors"]
    display(S.table(nps, columns=["n", "enps", *parts], labels=S.questions, index_name="",
                    percent=parts, decimals={"enps": 0}))  # fmt: skip

# %%
choices = ks.choice_results(survey)
if not choices.empty:
    display(S.heading("results.choice", 3))
for item in choices.index.get_level_values("item").unique():
    options = choices.loc[[item]]
    labels = {(item, code): label for code, label in codebook.labels(item, lang).items()}
    multi = S.text("yes" if codebook.item(item).type == "multi" else "no")
    caption = S.text("results.choice_caption", question=S.questions[item], multi=multi)
    display(S.table(options, columns=["n", "share"], labels=labels, index_name="",
                    percent=["share"], caption=caption))  # fmt: skip

# %%
numbers = ks.numeric_results(survey)
if not numbers.empty:
    display(S.heading("results.numeric", 3))
    display(
        S.table(numbers, columns=["n", "q1", "median", "q3"], labels=S.questions, index_name="")
    )

# %%
display(S.heading("results.by_group"))
groups = [s for s in codebook.segments if s.type != "id"]
df = ks.prepare(survey)
columns = {c: f"{c}_index" for c in themes.index if f"{c}_index" in df}
if not groups or not columns:
    display(S.say("results.no_groups"))
for segment in groups:
    table = ks.segment_summary(df, segment.id, columns, company=S.owner)
    shown = table.index[table["n"].notna()]
    if len(shown) < 2:  # one group shown would be everyone shown: nothing to compare
        display(S.say("results.group_hidden", segment=segment.text.get(lang)))
        continue
    measures = {"n": S.text("n"), **{c: S.questions[c] for c in columns}}
    turned = ks.transposed(table.loc[shown, list(measures)])
    intro = S.text("results.by_group_intro", segment=segment.text.get(lang))
    display(S.table(turned, columns=S.value_labels(shown), labels=measures, decimals=1,
                    caption=intro))  # fmt: skip

# %%
display(S.heading("results.outcome"))
try:
    weights = ks.outcome_drivers(survey, n_boot=200, seed=1)
except ks.InsufficientDataError:
    display(S.say("results.no_outcome", k=ks.study.questions.MAX_ITEM_DRIVERS))
else:
    outcome = S.questions[weights.attrs["outcome"]]
    why = S.text(f"questions.focus_why.{weights.attrs['reason']}")
    display(S.say("results.outcome_intro", outcome=outcome, why=why,
                  r2=S.number(weights.attrs["r2"], 2), b=200))  # fmt: skip
    fig = S.bar_ci(weights, "share", low="share_low", high="share_high", labels=S.questions,
                   percent=True, xlabel=S.text("share_of_r2"))  # fmt: skip
    plt.show()
