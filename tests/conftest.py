"""Shared test configuration."""

from argon2 import PasswordHasher, Type

from claimdesk.security import passwords

# argon2id at its production cost (64 MiB, 3 passes: argon2-cffi's RFC 9106 profile) takes about
# 0.2 s of processor time per hash, and the suite hashes and verifies well over a thousand
# passwords. In the test process the same algorithm runs at its lowest cost; the programs the
# tests start as separate processes (the CLI, the worker) keep the production cost.
passwords._HASHER = PasswordHasher(type=Type.ID, time_cost=1, memory_cost=1024, parallelism=1)
