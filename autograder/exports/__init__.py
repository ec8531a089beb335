"""Exports of a lab to other grading platforms."""
