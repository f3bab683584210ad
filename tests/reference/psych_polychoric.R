# Polychoric and tetrachoric correlations as psych computes them (global thresholds, each
# pair by maximum likelihood), and the ordinal psychometrics built on them: ordinal alpha
# (alpha of the polychoric matrix, Zumbo et al. 2007), omega and EFA on the polychoric matrix.
# On psych's bfi and on ordinal data made here (data/ordinal.csv: 8 items with 4 categories,
# some answers missing, and 4 yes/no items).
source("_common.R")
suppressPackageStartupMessages({library(psych); library(GPArotation)})
data(bfi, package = "psych")
x <- bfi[, 1:25]
pc <- psych::polychoric(x)

set.seed(21)
n <- 1500
f <- matrix(rnorm(n * 2), n, 2)
f[, 2] <- 0.4 * f[, 1] + sqrt(1 - 0.16) * f[, 2]
load <- c(0.8, 0.7, 0.6, 0.55, 0.75, 0.65, 0.6, 0.5)
cuts <- c(-1.2, -0.2, 0.9)
own <- sapply(1:8, function(j) {
  z <- load[j] * f[, 1 + (j > 4)] + sqrt(1 - load[j]^2) * rnorm(n)
  findInterval(z, cuts) + 1
})
own[sample(length(own), 400)] <- NA
colnames(own) <- paste0("q", 1:8)
yes <- sapply(1:4, function(j) as.integer(0.7 * f[, 1] + sqrt(1 - 0.49) * rnorm(n) > c(-0.5, 0, 0.3, 0.8)[j]))
colnames(yes) <- paste0("y", 1:4)
write.csv(cbind(own, yes), "data/ordinal.csv", row.names = FALSE, na = "")
po <- psych::polychoric(own)
tc <- psych::tetrachoric(yes)

matrix_of <- function(m) unname(lapply(seq_len(ncol(m)), function(j) unname(m[, j])))
ordinal_alpha <- function(rho) psych::alpha(rho, warnings = FALSE)$total$raw_alpha
om <- suppressMessages(psych::omega(own, nfactors = 2, poly = TRUE, plot = FALSE))
fa2 <- psych::fa(own, nfactors = 2, cor = "poly")
write_reference("psych_polychoric", list(
  bfi = list(items = colnames(x), rho = matrix_of(pc$rho), tau = matrix_of(t(pc$tau))),
  own = list(items = colnames(own), rho = matrix_of(po$rho), tau = matrix_of(t(po$tau)),
             ordinal_alpha_1_4 = ordinal_alpha(po$rho[1:4, 1:4]),
             omega_total = om$omega.tot, omega_h = om$omega_h,
             fa_loadings = matrix_of(unclass(fa2$loadings)), fa_phi = matrix_of(fa2$Phi),
             fa_chi2 = fa2$STATISTIC, fa_rmsea = unname(fa2$RMSEA[1]), fa_tli = fa2$TLI),
  yes = list(items = colnames(yes), rho = matrix_of(tc$rho), tau = unname(tc$tau))
), c("psych", "GPArotation"), c(
  "psych::polychoric(bfi[, 1:25])",
  "psych::polychoric(own); psych::tetrachoric(yes)  # own, yes: data/ordinal.csv",
  "psych::alpha(polychoric(own)$rho[1:4, 1:4])$total$raw_alpha  # ordinal alpha",
  "psych::omega(own, nfactors = 2, poly = TRUE)",
  "psych::fa(own, nfactors = 2, cor = 'poly')"))
