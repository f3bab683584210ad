# Intraclass correlation from a random-intercept model, as lme4 and performance give it:
# y ~ 1 + (1 | cluster) by REML; ICC = between-cluster variance / (between + within).
# Data made here (data/icc.csv): 15 clusters of unequal size, two outcomes (one with a
# sizeable cluster effect, one with almost none) and a few missing answers.
source("_common.R")
suppressPackageStartupMessages({library(lme4); library(performance)})
set.seed(27)
sizes <- c(4, 7, 12, 25, 9, 40, 6, 15, 30, 8, 11, 5, 22, 18, 10)
cluster <- rep(sprintf("C%02d", seq_along(sizes)), sizes)
u <- rep(rnorm(length(sizes), 0, 6), sizes)
d <- data.frame(cluster = cluster,
                stress = round(55 + u + rnorm(length(cluster), 0, 15), 2),
                flat = round(3 + rep(rnorm(length(sizes), 0, 0.05), sizes) + rnorm(length(cluster), 0, 1), 3))
d$stress[c(3, 50, 120)] <- NA
write.csv(d, "data/icc.csv", row.names = FALSE, na = "")
one <- function(y) {
  f <- lmer(as.formula(paste(y, "~ 1 + (1 | cluster)")), data = d, REML = TRUE)
  vc <- as.data.frame(VarCorr(f))
  list(intercept = unname(fixef(f)[1]), tau2 = vc$vcov[vc$grp == "cluster"],
       sigma2 = vc$vcov[vc$grp == "Residual"], icc = performance::icc(f)$ICC_adjusted,
       n = nobs(f), n_clusters = unname(ngrps(f)))
}
write_reference("lme4_icc", list(stress = one("stress"), flat = one("flat")),
                c("lme4", "performance"), c(
  "f <- lme4::lmer(y ~ 1 + (1 | cluster), data = d, REML = TRUE)",
  "as.data.frame(lme4::VarCorr(f)); lme4::fixef(f); performance::icc(f)$ICC_adjusted"))
