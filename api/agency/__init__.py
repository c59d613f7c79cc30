"""What the provincial agency sees: gaps, sentra candidates, interventions, the report."""
