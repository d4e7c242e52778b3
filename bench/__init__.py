"""Liaison's benchmarks: ``python -m bench`` (or ``make bench``).

Measures, on SQLite and on PostgreSQL, how fast events are appended and verified and
how long the dashboard of a ten-year-old office takes to serve. Each database runs in
its own process (``python -m bench.run --db sqlite|postgres``) because Django's
settings are fixed per process; the parent collects their JSON, prints the figures and
ratios and writes them to ``var/bench/results.json``. Timings are reported, never
asserted.

Environment: ``BENCH_EVENTS`` (default 100000) events to append and verify,
``BENCH_RUNS`` (default 20) timed runs of the dashboard and its page.
"""
