"""Privacy: pseudonymisation (names lists, detection, plans, the key file)."""
