# A correlation matrix with intervals and adjusted p, as psych::corr.test gives it: pairwise
# complete n, r, t = r sqrt(n - 2) / sqrt(1 - r^2), p from t on n - 2 df, the Fisher-z
# interval (atanh(r) +- qnorm(.975) / sqrt(n - 3)), Holm across the pairs; Pearson and
# Spearman. Data made here (data/corr.csv): 4 variables of 120 respondents, a few missing.
source("_common.R")
suppressPackageStartupMessages(library(psych))
set.seed(30)
n <- 120
a <- rnorm(n)
d <- data.frame(stress = round(a + rnorm(n), 3), support = round(-0.5 * a + rnorm(n), 3),
                tenure = round(rexp(n, 0.2), 2), noise = round(rnorm(n), 3))
d$stress[c(4, 18)] <- NA
d$support[c(7, 18, 60)] <- NA
d$tenure[c(90)] <- NA
write.csv(d, "data/corr.csv", row.names = FALSE, na = "")
one <- function(method) {
  ct <- corr.test(d, method = method, adjust = "holm")
  pairs <- list()
  k <- 0  # ct$ci has one row per pair, the lower triangle column by column (abbreviated names)
  for (i in 1:(ncol(d) - 1)) for (j in (i + 1):ncol(d)) {
    x <- names(d)[i]; y <- names(d)[j]
    key <- paste(x, y, sep = "-")
    k <- k + 1
    ci <- ct$ci[k, ]
    stopifnot(abs(ci$r - ct$r[x, y]) < 1e-12)
    pairs[[key]] <- list(x = x, y = y, n = ct$n[x, y], r = ct$r[x, y], t = ct$t[x, y],
                         p = ct$p[y, x], p_adj = ct$p[x, y], low = ci$lower, high = ci$upper)
  }
  pairs
}
write_reference("psych_corr_test", list(pearson = one("pearson"), spearman = one("spearman")),
                c("psych"), c(
  "psych::corr.test(d, method = 'pearson', adjust = 'holm')  # and method = 'spearman'",
  "r, n, t; p below the diagonal raw, above adjusted (Holm); ct$ci: Fisher-z lower, upper"))
