"""Evaluation: gold questions, metrics, reports and the comparison with a plain baseline."""
