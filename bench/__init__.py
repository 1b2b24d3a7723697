"""The benchmark suite: `python -m bench --help`, results in docs/benchmarks.md."""
