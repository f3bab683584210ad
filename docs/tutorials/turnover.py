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
# # What goes with turnover intention, and how sure are we?
#
# Which experiences go with the intention to leave, how much each explains when all are
# considered together (dominance analysis), and how sure we can be of their order, given
# that respondents are nested in companies (a bootstrap that resamples companies).

# %%
import tempfile

import ksresearch as ks

folder = tempfile.mkdtemp()
ks.write_synth(2025, seed=2025, data_dir=folder)
ks.ingest(2025, folder)
survey = ks.load(2025, folder)
data = ks.prepare(survey)

# %% [markdown]
# ## Correlations, with intervals and adjusted p-values
#
# As `psych::corr.test`: Pearson's r with Fisher-z intervals, Holm-adjusted across the pairs.

# %%
scores = ["turnover_intention_index", "satisfaction_index", "stress_index",
          "development_index", "leadership_index"]  # fmt: skip
ks.corr_matrix(data, scores).round(3).head(8)

# %% [markdown]
# ## The drivers, ranked with company-bootstrap intervals
#
# General dominance (each construct's average contribution to R² over every subset of the
# others), relative weights, and the interval of each driver's rank from 1,000 resamples
# of companies.

# %%
drivers = ks.turnover_drivers(survey)
drivers.round(3)

# %% [markdown]
# ## Does support for development soften the link between stress and turnover intention?
#
# A moderation model with standard errors clustered by company, and the simple slopes of
# stress at low, mean and high development.

# %%
ks.moderation(data, "turnover_intention_index", "stress_index", "development_index",
              cluster="company").round(3)  # fmt: skip
