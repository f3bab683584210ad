# CFA of ordered items by lavaan's WLSMV (DWLS estimates from the polychoric correlations and
# thresholds, the scaled-and-shifted test) and measurement invariance of ordered items as
# semTools' measEq.syntax writes it (Wu & Estabrook 2016 identification, delta
# parameterization): configural, thresholds, metric (+ loadings), scalar (+ intercepts).
# On psych's bfi (complete cases) and on ordinal data made here (data/ordinal.csv from
# psych_polychoric.R; data/ordinal_groups.csv: two groups, one item's answers shifted up in the
# second, so that thresholds and loadings are invariant and the intercepts are not).
source("_common.R")
suppressPackageStartupMessages({
  library(lavaan); library(semTools); library(psych); library(polycor)
})
measures <- c("chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
              "chisq.scaling.factor", "chisq.shift.parameters", "cfi", "tli", "rmsea",
              "cfi.scaled", "tli.scaled", "rmsea.scaled", "baseline.chisq", "baseline.df",
              "baseline.chisq.scaled", "srmr")
fit_of <- function(f) as.list(fitMeasures(f, measures))
loadings_of <- function(f) {
  pe <- parameterEstimates(f, standardized = TRUE)
  l <- pe[pe$op == "=~", ]
  list(item = l$rhs, factor = l$lhs, group = l$group, est = l$est, se = l$se,
       std_all = l$std.all)
}
thresholds_of <- function(f) {
  pe <- parameterEstimates(f)
  t <- pe[pe$op == "|", ]
  list(item = t$lhs, cut = t$rhs, group = t$group, est = t$est)
}

data(bfi, package = "psych")
ac <- na.omit(bfi[, c(paste0("A", 1:5), paste0("C", 1:5), "gender")])
ac_model <- "agree =~ A1 + A2 + A3 + A4 + A5\nconsc =~ C1 + C2 + C3 + C4 + C5"
ac_items <- c(paste0("A", 1:5), paste0("C", 1:5))
bfi_fit <- cfa(ac_model, data = ac, ordered = ac_items)

own <- read.csv("data/ordinal.csv")
own_model <- "f1 =~ q1 + q2 + q3 + q4\nf2 =~ q5 + q6 + q7 + q8"
own_fit <- cfa(own_model, data = own, ordered = paste0("q", 1:8))  # listwise
complete <- na.omit(own[, paste0("q", 1:8)])
# the sample statistics: thresholds, polychoric correlations (also by polycor's two-step
# estimator) and n x their asymptotic covariance (lavaan's NACOV, Muthen 1984)
gamma <- lavInspect(own_fit, "gamma")
moments <- list(names = colnames(gamma),
                gamma = unname(lapply(seq_len(ncol(gamma)), function(j) unname(gamma[, j]))),
                polycor_q1_q2 = polychor(complete$q1, complete$q2),
                polycor_q5_q8 = polychor(complete$q5, complete$q8))

set.seed(33)
make_group <- function(n, g) {
  f <- matrix(rnorm(n * 2), n, 2)
  f[, 2] <- 0.5 * f[, 1] + sqrt(1 - 0.25) * f[, 2]
  f[, 1] <- f[, 1] + 0.3 * (g == 2)  # a latent mean difference: scalar invariance allows it
  load <- c(0.8, 0.7, 0.6, 0.75, 0.65, 0.6)
  cuts <- c(-1, 0, 1)
  out <- sapply(1:6, function(j) {
    z <- load[j] * f[, 1 + (j > 3)] + sqrt(1 - load[j]^2) * rnorm(n)
    if (j == 6 && g == 2) z <- z + 0.6  # item r6 answers higher in group 2: intercepts differ
    findInterval(z, cuts) + 1
  })
  colnames(out) <- paste0("r", 1:6)
  data.frame(group = g, out)
}
groups <- rbind(make_group(1200, 1), make_group(1200, 2))
write.csv(groups, "data/ordinal_groups.csv", row.names = FALSE)
groups_model <- "f1 =~ r1 + r2 + r3\nf2 =~ r4 + r5 + r6"

levels_of <- function(model, data, items, group) {
  equal <- list(configural = "", thresholds = "thresholds",
                metric = c("thresholds", "loadings"),
                scalar = c("thresholds", "loadings", "intercepts"))
  lapply(equal, function(e) {
    f <- measEq.syntax(configural.model = model, data = data, ordered = items,
                       parameterization = "delta", ID.fac = "std.lv",
                       ID.cat = "Wu.Estabrook.2016", group = group, group.equal = e,
                       return.fit = TRUE)
    fit_of(f)
  })
}

write_reference("lavaan_ordered", list(
  bfi = list(items = ac_items, n = lavInspect(bfi_fit, "nobs"), fit = fit_of(bfi_fit),
             loadings = loadings_of(bfi_fit), thresholds = thresholds_of(bfi_fit),
             invariance = levels_of(ac_model, ac, ac_items, "gender")),
  own = list(n = lavInspect(own_fit, "nobs"), fit = fit_of(own_fit),
             loadings = loadings_of(own_fit), thresholds = thresholds_of(own_fit),
             moments = moments),
  groups = list(invariance = levels_of(groups_model, groups, paste0("r", 1:6), "group"))
), c("lavaan", "semTools", "psych", "polycor"), c(
  "cfa(model, data, ordered = items)  # estimator WLSMV, listwise, delta parameterization",
  "measEq.syntax(model, data, ordered = items, parameterization = 'delta', ID.fac = 'std.lv', ID.cat = 'Wu.Estabrook.2016', group, group.equal, return.fit = TRUE)",
  "fitMeasures(fit, c('chisq', 'chisq.scaled', 'cfi', 'cfi.scaled', 'rmsea.scaled', ...))",
  "lavInspect(fit, 'gamma'); polycor::polychor(x, y)  # two-step"))
