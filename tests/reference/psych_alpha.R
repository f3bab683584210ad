# Reliability on psych's bfi, agreeableness with A1 reversed (7 - A1), pairwise as psych.
# Standardised alpha and average r: psych >= 2.4.1 takes them from cor(x, use = "pairwise")
# (a comment of 1/15/24 in psych's alpha.R: "to find average R, we need to find R, not C"); psych 2.2.9, the
# version Debian ships, still took cov2cor of the pairwise covariance. `alpha(R)` on that
# correlation matrix gives the 2.4.1 numbers in any version (checked against psych 2.5.3 built
# from its CRAN source: std.alpha 0.712659440932, average_r 0.331567861808); both are kept.
source("_common.R")
suppressPackageStartupMessages(library(psych))
data(bfi, package = "psych")
x <- bfi[, c("A1", "A2", "A3", "A4", "A5")]
x$A1 <- 7 - x$A1
a <- psych::alpha(x, warnings = FALSE)
R <- cor(x, use = "pairwise")
a_r <- psych::alpha(R, warnings = FALSE)
drop_std <- sapply(1:5, function(i) psych::alpha(R[-i, -i], warnings = FALSE)$total$std.alpha)
feldt <- psych::alpha.ci(a$total$raw_alpha, n.obs = nrow(x), n.var = 5, digits = 10)
lower <- R[lower.tri(R)]
write_reference("psych_alpha", list(
  raw_alpha = a$total$raw_alpha,
  std_alpha = a_r$total$std.alpha,
  average_r = a_r$total$average_r,
  median_r = median(lower),
  std_alpha_cov2cor = a$total$std.alpha,
  average_r_cov2cor = a$total$average_r,
  mean = a$total$mean, sd = a$total$sd,
  feldt_low = feldt$lower.ci, feldt_high = feldt$upper.ci,
  alpha_if_deleted = unname(a$alpha.drop$raw_alpha),
  alpha_std_if_deleted = unname(drop_std),
  r_drop = unname(a$item.stats$r.drop),
  item_n = unname(a$item.stats$n),
  item_mean = unname(a$item.stats$mean), item_sd = unname(a$item.stats$sd)
), c("psych"), c(
  "x <- bfi[, c('A1','A2','A3','A4','A5')]; x$A1 <- 7 - x$A1",
  "psych::alpha(x)",
  "psych::alpha(cor(x, use = 'pairwise'))  # std_alpha, average_r (psych >= 2.4.1)",
  "psych::alpha.ci(raw_alpha, n.obs = 2800, n.var = 5)  # Feldt"
))
