"""Accounts and roles: sign-in with a password (OAuth2 password flow, short-lived signed
tokens), API keys for machine clients, and the principal of every request."""
