# Exploratory factor analysis of psych's bfi (25 items, pairwise) with the rotations and the
# extraction beyond minres + oblimin: promax (psych's Promax: varimax, then the power 4
# target), varimax, geominQ (GPArotation, delta .01), and maximum likelihood (fm = "ml")
# with oblimin.
source("_common.R")
suppressPackageStartupMessages({library(psych); library(GPArotation)})
data(bfi, package = "psych")
x <- bfi[, 1:25]
one <- function(k, rotate, fm = "minres") {
  f <- psych::fa(x, nfactors = k, fm = fm, rotate = rotate)
  L <- unclass(f$loadings)
  phi <- if (is.null(f$Phi)) diag(k) else f$Phi
  list(loadings = unname(lapply(seq_len(ncol(L)), function(j) unname(L[, j]))),
       items = rownames(L), phi = unname(lapply(seq_len(k), function(j) unname(phi[, j]))),
       h2 = unname(f$communality), chi2 = f$STATISTIC, objective = f$objective)
}
write_reference("psych_fa_rotations", list(
  promax5 = one(5, "promax"), varimax5 = one(5, "varimax"), ml5 = one(5, "oblimin", "ml"),
  geomin5 = one(5, "geominQ")
), c("psych", "GPArotation"), c(
  "psych::fa(bfi[, 1:25], nfactors = 5, fm = 'minres', rotate = 'promax')  # and 'varimax', 'geominQ'",
  "psych::fa(bfi[, 1:25], nfactors = 5, fm = 'ml', rotate = 'oblimin')"))
