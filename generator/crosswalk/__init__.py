"""The crosswalk: a practice catalogue and each framework's mapping to it, and the answers inferred through it."""
