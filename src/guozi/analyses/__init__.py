"""The analyses over the panel: targets, loss-makers, warnings, EVA, benchmarks. Each is independent of the others."""
