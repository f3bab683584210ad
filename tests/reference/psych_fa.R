# Exploratory factor analysis of psych's bfi (25 items): minres, oblimin, pairwise, as psych.
# The RMSEA point estimate is sqrt(max(chi2 / (df * N) - 1 / (N - 1), 0)) (psych's fa.stats).
source("_common.R")
suppressPackageStartupMessages({library(psych); library(GPArotation)})
data(bfi, package = "psych")
x <- bfi[, 1:25]
one <- function(k) {
  f <- psych::fa(x, nfactors = k, fm = "minres", rotate = "oblimin")
  L <- unclass(f$loadings)
  list(loadings = unname(lapply(seq_len(ncol(L)), function(j) unname(L[, j]))),
       factor_names = colnames(L), items = rownames(L),
       phi = unname(lapply(seq_len(k), function(j) unname(f$Phi[, j]))),
       h2 = unname(f$communality), complexity = unname(f$complexity),
       chi2 = f$STATISTIC, df = f$dof, objective = f$objective,
       null_chi2 = f$null.chisq, null_df = f$null.dof, null_objective = f$null.model,
       tli = f$TLI, rmsea = unname(f$RMSEA[1]), rmsea_low = unname(f$RMSEA[2]),
       rmsea_high = unname(f$RMSEA[3]), bic = f$BIC, rmsr = f$rms, crms = f$crms,
       empirical_chi2 = f$chi, fit_off = unname(f$fit.off), n_harmonic = f$nh)
}
k <- psych::KMO(x)
b <- psych::cortest.bartlett(cor(x, use = "pairwise"), n = nrow(x))
set.seed(1)
pa25 <- psych::fa.parallel(x, plot = FALSE)
set.seed(2)
pa15 <- psych::fa.parallel(x[, 1:15], plot = FALSE)
write_reference("psych_fa", list(
  five = one(5), six = one(6),
  kmo = list(items = colnames(x), msa_items = unname(k$MSAi), msa = k$MSA),
  bartlett = list(chi2 = b$chisq, df = b$df, p = b$p.value),
  parallel = list(bfi_25 = list(nfact = pa25$nfact, ncomp = pa25$ncomp),
                  bfi_15 = list(nfact = pa15$nfact, ncomp = pa15$ncomp))
), c("psych", "GPArotation"), c(
  "psych::fa(bfi[, 1:25], nfactors = 5, fm = 'minres', rotate = 'oblimin')",
  "psych::fa(bfi[, 1:25], nfactors = 6, fm = 'minres', rotate = 'oblimin')",
  "psych::KMO(bfi[, 1:25])",
  "psych::cortest.bartlett(cor(bfi[, 1:25], use = 'pairwise'), n = 2800)",
  "set.seed(1); psych::fa.parallel(bfi[, 1:25]); set.seed(2); psych::fa.parallel(bfi[, 1:15])"))
