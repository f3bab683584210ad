# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python (ksresearch)
#     language: python
#     name: ksresearch
#   ksresearch:
#     title: customers.title
#     constructs: true
# ---

# %% tags=["parameters"]
year = 2025
lang = "nb"
min_group_size = 5
data_dir = None
release = None

# %%
# Section 10: employees and customers, the companies' scores against their customer KPIs.
import matplotlib.pyplot as plt
from IPython.display import display

import ksresearch as ks

S = ks.Section(year, lang, min_group_size, data_dir, release=release)
survey = S.survey

# %%
display(S.heading("customers.title"))
try:
    corr = ks.kpi_correlations(survey, n_boot=2000, seed=1)
except ks.InsufficientDataError:
    display(S.say("customers.none"))
else:
    display(S.say("customers.intro", n=int(corr["n_companies"].max())))
    display(S.heading("customers.matrix", 3))
    matrix = ks.kpi_matrix(corr)
    kpis = {k: S.names[k] for k in matrix.columns}
    display(S.table(matrix, labels=S.names, columns=kpis, index_name="", decimals=2))
    display(S.heading("customers.clear", 3))
    clear = corr[corr["p_adj"] < 0.05]
    if clear.empty:
        display(S.say("customers.no_clear"))
    else:
        columns = {"n_companies": S.text("n_companies_kpi"), "rho": S.text("rho"),
                   "ci_low": S.text("ci_low"), "ci_high": S.text("ci_high"), "p_adj": S.text("p_adj")}  # fmt: skip
        display(S.table(clear, columns=columns, labels=S.names, index_name="", decimals=2))
    construct, kpi = corr["rho"].abs().idxmax()
    x, y = S.names[construct], S.names[kpi]
    try:  # a point per band of companies, never per company: a KPI would name it
        bands = ks.kpi_bands(ks.company_scores(survey), construct, kpi)
    except ks.InsufficientDataError:
        display(S.say("customers.no_bands", n=ks.study.customers.MIN_BAND_COMPANIES))
    else:
        fig = S.kpi_bands(bands, xlabel=x, ylabel=y)
        plt.show()
        rho = S.number(corr.at[(construct, kpi), "rho"], 2)
        k = int(bands["n_companies"].min())
        display(S.say("customers.scatter", x=x, y=y, rho=rho, bands=len(bands), k=k))
