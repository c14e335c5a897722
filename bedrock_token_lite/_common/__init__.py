"""Values every layer shares: credentials, refreshable credentials and time."""
