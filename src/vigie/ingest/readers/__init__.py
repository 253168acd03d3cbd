"""Readers for every format leaks come in; see `base` for the contract."""
