"""Pull-request review: maturity diffs between git revisions, history over time, CODEOWNERS."""
