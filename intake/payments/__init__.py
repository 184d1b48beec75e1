"""Fees and online payments: the provider interface and the simulated gateway."""
