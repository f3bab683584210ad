# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: comments.title
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# Section 9: what employees wrote, redacted and by theme, never as a raw list.
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("comments.title"))
display(S.comment_rule())
try:
    said = ks.comments(survey)
except ks.InsufficientDataError:
    display(S.say("comments.too_few"))
else:
    if said.empty:
        display(S.say("comments.no_theme"))
    else:
        display(S.comment_table(said))
        for role, key in (
            ("industry", "comments.by_industry"),
            ("centre_size", "comments.by_size"),
        ):
            if survey.codebook.has_roles(role):
                by = ks.comment_themes_by(survey, S.role(role))
                shown = [t for t in said.index if t in by.columns]
                levels = by.index[by[shown].notna().any(axis=1)]  # themes as rows: it fits
                headers = S.value_labels(levels)
                turned = ks.transposed(by.loc[levels, shown])
                labels = S.comment_labels(said)
                display(S.heading(key, 3))
                display(S.table(turned, columns=headers, labels=labels, percent=list(levels)))
