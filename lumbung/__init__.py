"""Lumbung's core: the protocol's vocabulary and the pure libraries every part shares.

The API, the brownie scripts, the benchmarks and the tests import this package; it imports none
of them (nor ``ipfs``). :mod:`lumbung.protocol` mirrors the contracts' enums and constants (a
test pins them to the compiled ABI), :mod:`lumbung.eip712` and :mod:`lumbung.merkle` sign and
build what the contracts verify, :mod:`lumbung.deployment` is the deployments file format and
:mod:`lumbung.devchain` the local Anvil chain the tests, ``make run`` and the benchmarks use.
"""
