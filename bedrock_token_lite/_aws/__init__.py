"""The code that talks to AWS endpoints: the one HTTP client and the STS and SSO calls."""
