# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
# ---

# %% [markdown]
# # What do people write about that the theme dictionary misses?
#
# The comments are redacted at ingest and coded into the themes of `themes.yaml`. Here the
# researcher looks for topics the dictionary lacks: TF-IDF and non-negative matrix
# factorisation over the redacted comments (Norwegian and Swedish stop words removed). A topic
# whose words fit no theme is a candidate for a new theme in `themes.yaml`: add it with its
# keywords, and the reports code it from the next run. Nothing here is published.

# %% tags=["parameters"]
year = 2025
lang = "en"
min_group_size = 5
data_dir = None

# %%
import ksresearch as ks

survey = ks.load(year, data_dir, min_group_size=min_group_size)
themes = ks.comments(survey)  # the themes as the reports show them (10 commenters or more)
themes[["n_commenters", "commenter_share"]]

# %% [markdown]
# Topics found in the comments themselves, heaviest first:

# %%
topics = ks.suggest_themes(survey.comments["text"], n_topics=10)
topics

# %% [markdown]
# How many comments carry no theme of the dictionary (where new themes would come from):

# %%
coded = ks.code_themes(survey.comments["text"], ks.load_themes(year, data_dir))
float((~coded.any(axis=1)).mean())
