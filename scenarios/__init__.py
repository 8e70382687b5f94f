"""Scenario files, seeded ensembles and reports (DESIGN §3): turns files into model inputs."""
