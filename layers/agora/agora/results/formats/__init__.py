"""The published files (CSV, JSON, the offline report and its charts), formatted from `Results` only."""
