"""The parts of ``python -m twingrad demo``, one per subsystem."""
