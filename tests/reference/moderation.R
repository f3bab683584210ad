# Moderation: y ~ x * w (+ a covariate), x and w centred at their means, with company-
# clustered standard errors (CR1: sandwich::vcovCL type "HC1") and t on G - 1 df
# (lmtest::coeftest(..., df = G - 1)), and the simple slopes of x at w's mean - SD, mean and
# mean + SD (b_x + b_xw w0, its variance from the same clustered matrix). Also the plain OLS
# fit (summary(lm)). Data made here (data/moderation.csv): 24 companies, a true interaction.
source("_common.R")
suppressPackageStartupMessages({library(sandwich); library(lmtest)})
set.seed(32)
G <- 24
sizes <- sample(8:40, G, replace = TRUE)
company <- rep(sprintf("K%02d", 1:G), sizes)
u <- rep(rnorm(G, 0, 0.8), sizes)
n <- length(company)
x <- round(rnorm(n, 3, 1), 2); w <- round(rnorm(n, 2, 1.5) + 0.3 * u, 2); age <- round(runif(n, 20, 60))
y <- round(1 + 0.5 * x + 0.2 * w + 0.25 * (x - 3) * (w - 2) + 0.01 * age + u + rnorm(n), 3)
d <- data.frame(company, y, x, w, age)
d$y[c(5, 77)] <- NA; d$w[c(30)] <- NA
write.csv(d, "data/moderation.csv", row.names = FALSE, na = "")
cc <- d[complete.cases(d), ]
cc$xc <- cc$x - mean(cc$x); cc$wc <- cc$w - mean(cc$w)
fit <- lm(y ~ xc * wc + age, data = cc)
V <- vcovCL(fit, cluster = ~company, type = "HC1")
Gn <- length(unique(cc$company))
ct <- coeftest(fit, vcov = V, df = Gn - 1)
ci <- coefci(fit, vcov = V, df = Gn - 1)
terms <- c("(Intercept)" = "intercept", xc = "x", wc = "w", age = "age", "xc:wc" = "x:w")
coef_list <- function(ct, ci) lapply(names(terms), function(t) list(term = unname(terms[t]),
  estimate = ct[t, 1], se = ct[t, 2], t = ct[t, 3], p = ct[t, 4], low = ci[t, 1], high = ci[t, 2]))
slopes <- lapply(c(-1, 0, 1), function(k) {
  w0 <- k * sd(cc$w)
  est <- coef(fit)["xc"] + coef(fit)["xc:wc"] * w0
  se <- sqrt(V["xc", "xc"] + w0^2 * V["xc:wc", "xc:wc"] + 2 * w0 * V["xc", "xc:wc"])
  q <- qt(0.975, Gn - 1)
  list(at = unname(w0 + mean(cc$w)), estimate = unname(est), se = unname(se),
       p = unname(2 * pt(-abs(est / se), Gn - 1)), low = unname(est - q * se), high = unname(est + q * se))
})
plain <- summary(fit)$coefficients
plain_ci <- confint(fit)
write_reference("moderation", list(
  n = nrow(cc), n_clusters = Gn, r2 = summary(fit)$r.squared,
  clustered = coef_list(ct, ci), slopes = slopes, ols = coef_list(plain, plain_ci)),
  c("sandwich", "lmtest"), c(
  "fit <- lm(y ~ xc * wc + age, data = cc)  # complete cases, x and w centred",
  "V <- sandwich::vcovCL(fit, cluster = ~company, type = 'HC1'); lmtest::coeftest(fit, vcov = V, df = G - 1); lmtest::coefci(fit, vcov = V, df = G - 1)",
  "simple slope at w0: b_x + b_xw (w0 - mean w), variance V[x,x] + w0^2 V[xw,xw] + 2 w0 V[x,xw]; summary(fit) for the plain OLS"))
