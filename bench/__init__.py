"""Benchmarks: each prints its timings and ratios against peers measured in the same run."""
