# Pairwise comparisons after a comparison of several groups. Tukey's HSD as base R gives it
# (TukeyHSD(aov(y ~ g)): diff, simultaneous interval, adjusted p), and Games-Howell (unequal
# variances: Welch's SE and df per pair, the studentized range on those df) written out by
# its formula (Games & Howell 1976), since no package for it is installed here. Data made
# here (data/posthoc.csv): 4 groups of unequal size and spread.
source("_common.R")
set.seed(31)
sizes <- c(a = 12, b = 20, c = 9, d = 15)
g <- rep(names(sizes), sizes)
y <- round(c(rnorm(12, 50, 8), rnorm(20, 56, 12), rnorm(9, 47, 5), rnorm(15, 60, 15)), 2)
d <- data.frame(g = g, y = y)
write.csv(d, "data/posthoc.csv", row.names = FALSE)
tk <- TukeyHSD(aov(y ~ g, data = d))$g
tukey <- lapply(rownames(tk), function(k) {
  ab <- strsplit(k, "-")[[1]]  # "b-a": mean(b) - mean(a)
  list(A = ab[2], B = ab[1], diff = unname(tk[k, "diff"]), low = unname(tk[k, "lwr"]),
       high = unname(tk[k, "upr"]), p = unname(tk[k, "p adj"]))
})
k <- length(sizes)
m <- tapply(d$y, d$g, mean); v <- tapply(d$y, d$g, var); n <- tapply(d$y, d$g, length)
gh <- list()
for (i in 1:(k - 1)) for (j in (i + 1):k) {
  a <- names(sizes)[i]; b <- names(sizes)[j]
  s2 <- v[a] / n[a] + v[b] / n[b]
  df <- s2^2 / ((v[a] / n[a])^2 / (n[a] - 1) + (v[b] / n[b])^2 / (n[b] - 1))
  diff <- m[a] - m[b]; se <- sqrt(s2)
  half <- qtukey(0.95, k, df) / sqrt(2) * se
  gh[[length(gh) + 1]] <- list(A = a, B = b, diff = unname(diff), se = unname(se), df = unname(df),
    p = unname(ptukey(abs(diff) / se * sqrt(2), k, df, lower.tail = FALSE)),
    low = unname(diff - half), high = unname(diff + half))
}
write_reference("posthoc", list(tukey = tukey, games_howell = gh), c("stats"), c(
  "TukeyHSD(aov(y ~ g, data = d))$g  # rows 'B-A': mean(B) - mean(A)",
  "Games-Howell: Welch se and df per pair; p = ptukey(|diff| / se * sqrt(2), k, df, lower.tail = FALSE); interval diff +- qtukey(.95, k, df) / sqrt(2) * se"))
