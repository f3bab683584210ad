# CFA and measurement invariance with lavaan on HolzingerSwineford1939 (the three-factor
# model of lavaan's tutorial), complete data and with planted missing answers under FIML
# (missing = "ml", which brings a mean structure: SRMR then includes the mean residuals).
source("_common.R")
suppressPackageStartupMessages({library(lavaan); library(semTools)})
hs <- HolzingerSwineford1939
model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
items <- paste0("x", 1:9)
measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
              "rmsea.ci.upper", "srmr", "baseline.chisq", "baseline.df")
fit_of <- function(f) as.list(fitMeasures(f, measures))
loadings_of <- function(f) {
  pe <- parameterEstimates(f, standardized = TRUE)
  l <- pe[pe$op == "=~", ]
  list(item = l$rhs, factor = l$lhs, est = l$est, std_all = l$std.all)
}
cors_of <- function(f) {
  s <- standardizedSolution(f)
  r <- s[s$op == "~~" & s$lhs != s$rhs & s$lhs %in% c("visual", "textual", "speed"), ]
  list(lhs = r$lhs, rhs = r$rhs, r = r$est.std)
}
complete <- cfa(model, data = hs)

set.seed(7)
holes <- hs[, c("id", "school", items)]
for (v in items) holes[runif(nrow(holes)) < 0.12, v] <- NA
write.csv(holes, "data/hs_missing.csv", row.names = FALSE, na = "")
fiml <- cfa(model, data = holes, missing = "ml")

levels_of <- function(data, ...) {
  conf <- cfa(model, data = data, group = "school", ...)
  metric <- cfa(model, data = data, group = "school", group.equal = "loadings", ...)
  scalar <- cfa(model, data = data, group = "school",
                group.equal = c("loadings", "intercepts"), ...)
  lrt <- lavTestLRT(conf, metric, scalar)
  list(configural = fit_of(conf), metric = fit_of(metric), scalar = fit_of(scalar),
       delta_chi2 = lrt[["Chisq diff"]][2:3], p_delta = lrt[["Pr(>Chisq)"]][2:3])
}
write_reference("lavaan_cfa", list(
  complete = list(fit = fit_of(complete), loadings = loadings_of(complete),
                  factor_correlations = cors_of(complete)),
  fiml = list(fit = fit_of(fiml), loadings = loadings_of(fiml), n = lavInspect(fiml, "nobs")),
  invariance = levels_of(hs),
  invariance_fiml = levels_of(holes, missing = "ml")
), c("lavaan", "semTools"), c(
  "cfa(model, data = HolzingerSwineford1939)",
  "cfa(model, data = holes, missing = 'ml')  # holes: data/hs_missing.csv",
  "cfa(model, data, group = 'school', group.equal = ...); lavTestLRT(configural, metric, scalar)",
  "fitMeasures(fit, c('chisq', 'df', 'pvalue', 'cfi', 'tli', 'rmsea', 'srmr', ...))"))
