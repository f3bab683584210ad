# Standard errors, z, p and intervals of every free parameter, and the log-likelihood, AIC and
# BIC, as lavaan gives them for ML CFA on HolzingerSwineford1939: complete data (expected
# information, no mean structure), two groups with equal loadings (mean structure), and the
# planted missing answers under FIML (missing = "ml": observed information, lavaan's default
# there). parameterEstimates() lists each parameter once per group.
source("_common.R")
suppressPackageStartupMessages(library(lavaan))
hs <- HolzingerSwineford1939
model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
holes <- read.csv("data/hs_missing.csv")
params_of <- function(f) {
  pe <- parameterEstimates(f)
  free <- pe[pe$se > 0 | !is.na(pe$z), ]
  list(lhs = free$lhs, op = free$op, rhs = free$rhs,
       group = if (is.null(free$group)) rep(1L, nrow(free)) else free$group,
       est = free$est, se = free$se, z = free$z, p = free$pvalue,
       low = free$ci.lower, high = free$ci.upper)
}
info_of <- function(f) as.list(fitMeasures(f, c("logl", "unrestricted.logl", "aic", "bic", "npar", "ntotal")))
complete <- cfa(model, data = hs)
metric <- cfa(model, data = hs, group = "school", group.equal = "loadings")
fiml <- cfa(model, data = holes, missing = "ml")
write_reference("lavaan_se", list(
  complete = list(params = params_of(complete), info = info_of(complete)),
  metric = list(params = params_of(metric), info = info_of(metric)),
  fiml = list(params = params_of(fiml), info = info_of(fiml),
              information = lavInspect(fiml, "options")$information[1])
), c("lavaan"), c(
  "cfa(model, data = HolzingerSwineford1939); parameterEstimates(fit); fitMeasures(fit, c('logl', 'aic', 'bic', 'npar'))",
  "cfa(model, data = hs, group = 'school', group.equal = 'loadings')",
  "cfa(model, data = holes, missing = 'ml')  # holes: data/hs_missing.csv"))
