"""Importing IKM from CSV or XLSX through the API."""
