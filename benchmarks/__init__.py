"""Speed benchmarks, side by side with micrograd and PyTorch: ``python -m benchmarks.run``."""
