# Group comparisons as effectsize and sandwich/lmtest compute them, on data made here and kept
# in data/ for the Python tests.
# - Hedges' g with the exact small-sample correction J(df) and the confidence interval of the
#   noncentral t (effectsize::hedges_g).
# - The company-adjusted difference: OLS with company fixed effects, CR1 company-clustered
#   standard error (sandwich::vcovCL, type "HC1"), t on companies - 1 degrees of freedom,
#   counting only the companies that have both groups (the others carry no information on
#   the difference, but would inflate the number of clusters).
source("_common.R")
suppressPackageStartupMessages({library(effectsize); library(sandwich); library(lmtest)})
set.seed(11)
pairs <- list(
  n5 = list(x = round(rnorm(5, 3.2, 1), 3), y = round(rnorm(5, 3.0, 1), 3)),
  n12_30 = list(x = round(rnorm(12, 60, 15), 2), y = round(rnorm(30, 52, 18), 2)),
  n200_150 = list(x = round(rnorm(200, 0.3, 1), 4), y = round(rnorm(150, 0, 1.2), 4))
)
hedges <- lapply(pairs, function(p) {
  g <- effectsize::hedges_g(p$x, p$y, ci = 0.95)
  list(x = p$x, y = p$y, g = g$Hedges_g, low = g$CI_low, high = g$CI_high)
})
# Large groups with a moderate effect (where scipy's noncentral t fails deep in its tail):
# each group the normal quantiles at (1:n - 0.5) / n, the first shifted by d; Python makes
# the same numbers with scipy.stats.norm.ppf, so only n, d and the results are kept.
large <- list()
for (n in c(1200, 20000)) for (d in c(-0.5, 0.5)) {
  q <- qnorm(((1:n) - 0.5) / n)
  g <- effectsize::hedges_g(q + d, q, ci = 0.95)
  large[[paste0("n", n, "_d", d)]] <- list(n = n, d = d, g = g$Hedges_g, low = g$CI_low,
                                           high = g$CI_high)
}
companies <- 8
sizes <- c(12, 30, 9, 45, 20, 16, 60, 25)
d <- do.call(rbind, lapply(seq_len(companies), function(c) {
  n <- sizes[c]
  g <- rbinom(n, 1, 0.25 + 0.06 * c)
  data.frame(company = paste0("K", c), group = ifelse(g == 1, "shift", "day"),
             y = round(55 + 3 * c + 4 * g + rnorm(n, 0, 12), 2))
}))
write.csv(d, "data/company_adjusted.csv", row.names = FALSE)
both <- names(which(tapply(d$group, d$company, function(g) length(unique(g)) == 2)))
d2 <- d[d$company %in% both, ]
companies <- length(both)
fit <- lm(y ~ I(group != "day") + factor(company), data = d2)
vc <- sandwich::vcovCL(fit, cluster = ~company, type = "HC1")
ct <- lmtest::coeftest(fit, vcov. = vc, df = companies - 1)
ci <- lmtest::coefci(fit, vcov. = vc, df = companies - 1, level = 0.95)
write_reference("effectsize_compare", list(
  hedges = hedges,
  hedges_large = large,
  company_adjusted = list(diff = unname(ct[2, 1]), se = unname(ct[2, 2]),
                          p = unname(ct[2, 4]), low = unname(ci[2, 1]), high = unname(ci[2, 2]),
                          df = companies - 1)
), c("effectsize", "sandwich", "lmtest"), c(
  "effectsize::hedges_g(x, y, ci = 0.95)",
  "d2 <- d[d$company %in% companies_with_both_groups, ]",
  "fit <- lm(y ~ I(group != 'day') + factor(company), data = d2)",
  "vc <- sandwich::vcovCL(fit, cluster = ~company, type = 'HC1')",
  "lmtest::coeftest(fit, vcov. = vc, df = G - 1); lmtest::coefci(fit, vcov. = vc, df = G - 1)"))
