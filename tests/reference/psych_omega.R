# McDonald's omega on psych's bfi as psych::omega computes it: items whose general loading is
# negative are flipped (flip = TRUE), omega_t = 1 - sum(u2) / sum(R) with u2 from the
# first-order communalities, omega_h from the Schmid-Leiman general factor (two group factors:
# equal general loadings sqrt(|phi12|)).
source("_common.R")
suppressPackageStartupMessages({library(psych); library(GPArotation)})
data(bfi, package = "psych")
one <- function(x, k) {
  o <- suppressWarnings(suppressMessages(psych::omega(x, nfactors = k, plot = FALSE)))
  list(n_factors = k, items = colnames(x), omega_h = o$omega_h, omega_total = o$omega.tot,
       key = unname(o$key))
}
agree <- bfi[, c("A1", "A2", "A3", "A4", "A5")]  # A1 not reversed: omega flips it
consc <- bfi[, c("C1", "C2", "C3", "C4", "C5")]
write_reference("psych_omega", list(
  bfi_3 = one(bfi[, 1:25], 3),
  bfi_4 = one(bfi[, 1:25], 4),
  bfi_5 = one(bfi[, 1:25], 5),
  bfi_ae_2 = one(bfi[, 1:10], 2),
  agree_1 = one(agree, 1),
  consc_1 = one(consc, 1)
), c("psych", "GPArotation"), c(
  "psych::omega(bfi[, 1:25], nfactors = k, plot = FALSE)  # k = 3, 4, 5",
  "psych::omega(bfi[, 1:10], nfactors = 2, plot = FALSE)",
  "psych::omega(bfi[, c('A1','A2','A3','A4','A5')], nfactors = 1, plot = FALSE)",
  "psych::omega(bfi[, c('C1','C2','C3','C4','C5')], nfactors = 1, plot = FALSE)"))
