# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
# ---

# %% [markdown]
# # AI use and satisfaction by centre size
#
# Do larger customer-service centres use AI tools more, and are their employees more or
# less satisfied? One call answers it: `ks.by_segment` gives each group's share of AI users
# and its mean satisfaction, with the minimum group size applied (a group too small, or one
# whose size could be found by subtraction, is suppressed and says why).

# %%
import tempfile

import ksresearch as ks

folder = tempfile.mkdtemp()
ks.write_synth(2025, seed=2025, data_dir=folder)
ks.ingest(2025, folder)
survey = ks.load(2025, folder)

# %%
size = survey.codebook.role("centre_size")
ks.by_segment(survey, size, ["ai_user", "ai_usefulness", "satisfaction"]).round(3)

# %% [markdown]
# Are the differences between sizes more than chance? Pairwise Games-Howell tests of
# satisfaction (unequal variances and group sizes), family-wise adjusted:

# %%
data = ks.prepare(survey)
ks.posthoc(data, "satisfaction_index", size).round(3)
