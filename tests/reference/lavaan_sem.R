# Structural equation models in lavaan's syntax beyond the measurement model: regressions
# between latent variables, residual covariances, labels (equality constraints, also by
# `==`), fixed values and freed markers (NA*). Bollen's political democracy model as the
# lavaan tutorial fits it, with and without equal loadings across the two years, and
# Holzinger-Swineford with standardised latent variables and an orthogonal pair of factors.
# For each: every free parameter (parameterEstimates: est, se, z, p, CI) and the fit
# measures (expected information, ML, no mean structure: lavaan's defaults).
source("_common.R")
suppressPackageStartupMessages(library(lavaan))
write.csv(PoliticalDemocracy, "data/political_democracy.csv", row.names = FALSE)
pd <- read.csv("data/political_democracy.csv")
hs <- HolzingerSwineford1939
tutorial <- "
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
"
labelled <- "
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + a*y2 + b*y3 + c*y4
  dem65 =~ y5 + a*y6 + b*y7 + c*y8
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
"
fixed <- "
  visual =~ NA*x1 + x2 + x3
  textual =~ NA*x4 + x5 + x6
  speed =~ NA*x7 + x8 + x9
  visual ~~ 1*visual
  textual ~~ 1*textual
  speed ~~ 1*speed
  textual ~~ 0*speed
  x1 ~~ 0.5*x1
"
constrained <- "
  visual =~ x1 + l2*x2 + l3*x3
  textual =~ x4 + x5 + x6
  speed =~ x7 + x8 + x9
  l2 == l3
"
params_of <- function(f) {
  pe <- parameterEstimates(f)
  free <- pe[!is.na(pe$z), ]
  list(lhs = free$lhs, op = free$op, rhs = free$rhs, label = free$label,
       est = free$est, se = free$se, z = free$z, p = free$pvalue,
       low = free$ci.lower, high = free$ci.upper)
}
measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "logl", "aic", "bic", "npar")
result_of <- function(f) list(params = params_of(f), fit = as.list(fitMeasures(f, measures)))
write_reference("lavaan_sem", list(
  tutorial = result_of(sem(tutorial, data = pd)),
  labelled = result_of(sem(labelled, data = pd)),
  fixed = result_of(cfa(fixed, data = hs)),
  constrained = result_of(cfa(constrained, data = hs))
), c("lavaan"), c(
  "sem(tutorial, data = PoliticalDemocracy); parameterEstimates(fit); fitMeasures(fit)",
  "sem(labelled, data = PoliticalDemocracy)  # a, b, c: loadings equal in 1960 and 1965",
  "cfa(fixed, data = HolzingerSwineford1939)  # NA* markers, 1* variances, 0* covariance",
  "cfa(constrained, data = HolzingerSwineford1939)  # l2 == l3"))
