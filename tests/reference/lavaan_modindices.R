# Modification indices of the ML CFA on HolzingerSwineford1939, as lavaan's modindices():
# the score test of each fixed cross-loading and residual covariance (expected information),
# with its expected parameter change.
source("_common.R")
suppressPackageStartupMessages(library(lavaan))
model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
fit <- cfa(model, data = HolzingerSwineford1939)
mi <- modindices(fit, sort. = FALSE)
mi <- mi[mi$op %in% c("=~", "~~"), ]
write_reference("lavaan_modindices", list(
  lhs = mi$lhs, op = mi$op, rhs = mi$rhs, mi = mi$mi, epc = mi$epc
), c("lavaan"), c("modindices(cfa(model, data = HolzingerSwineford1939), sort. = FALSE)"))
