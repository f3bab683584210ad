# Shared by the reference scripts: write one JSON file of R results beside the script that
# made them, with the call and the versions of R and of every package used.
# Run them all with `make references` (needs R; the test suite only reads the JSON files).
suppressPackageStartupMessages(library(jsonlite))

write_reference <- function(name, results, packages, calls) {
  versions <- c(list(R = paste(R.version$major, R.version$minor, sep = ".")),
                setNames(lapply(packages, function(p) as.character(packageVersion(p))), packages))
  out <- list(script = paste0(name, ".R"), calls = calls, versions = versions, results = results)
  path <- paste0(name, ".json")
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), path)
  cat("wrote", path, "\n")
}
