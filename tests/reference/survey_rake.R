# Raking (iterative proportional fitting) to population margins with R's survey package, and
# the weighted means on the raked design: the yardstick of ks.rake and the weighted estimates.
# Data made here (data/rake.csv): five companies of unequal size, three roles, an outcome with
# some answers missing; population margins as headcounts by company and by role.
source("_common.R")
suppressPackageStartupMessages(library(survey))
set.seed(12)
n <- 800
company <- sample(c("A", "B", "C", "D", "E"), n, TRUE, prob = c(.35, .3, .15, .12, .08))
role <- sample(1:3, n, TRUE, prob = c(.75, .17, .08))
y <- round(50 + 8 * (company == "A") - 5 * (role == 2) + rnorm(n, 0, 15), 1)
y[sample(n, 40)] <- NA
d <- data.frame(company, role, y)
write.csv(d, "data/rake.csv", row.names = FALSE, na = "")
pop_company <- data.frame(company = c("A", "B", "C", "D", "E"), Freq = c(400, 500, 300, 350, 250))
pop_role <- data.frame(role = 1:3, Freq = c(1300, 350, 150))
des <- suppressWarnings(svydesign(ids = ~1, data = d))  # equal starting weights
raked <- rake(des, list(~company, ~role), list(pop_company, pop_role),
              control = list(maxit = 1000, epsilon = 1e-10))
w <- weights(raked)
m <- svymean(~y, raked, na.rm = TRUE)
by_company <- svyby(~y, ~company, raked, svymean, na.rm = TRUE)
write_reference("survey_rake", list(
  margins = list(company = setNames(as.list(pop_company$Freq), pop_company$company),
                 role = setNames(as.list(pop_role$Freq), pop_role$role)),
  weights = unname(w),
  mean_y = unname(coef(m)),
  mean_y_by_company = setNames(as.list(by_company$y), by_company$company),
  kish_deff = n * sum(w^2) / sum(w)^2
), c("survey"), c(
  "rake(svydesign(ids = ~1, data = d), list(~company, ~role), list(pop_company, pop_role), control = list(maxit = 1000, epsilon = 1e-10))",
  "svymean(~y, raked, na.rm = TRUE); svyby(~y, ~company, raked, svymean, na.rm = TRUE)"))
