"""Normalising product names, and the agency's review of unsure ones."""
