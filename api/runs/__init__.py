"""Match runs as jobs: queued, executed in worker processes on a snapshot, results kept."""
