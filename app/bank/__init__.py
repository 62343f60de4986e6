"""Reading question files into domain values. The only code that reads the bank from disk."""
