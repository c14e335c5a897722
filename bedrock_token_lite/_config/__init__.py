"""What a botocore ``Session`` knows before any credential source runs: INI files, settings."""
