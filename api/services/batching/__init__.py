"""The batch path of a contribution (issue 16): the member's consent, the curator's review, the
aggregator's batches, and each contribution's stage from upload to claim.

:mod:`.consents` verifies and keeps consents, :mod:`.reviews` the curators' reviews,
:mod:`.manifest` builds a batch's tree and manifest, :mod:`.aggregator` gathers reviews into
batches and submits them exactly once, :mod:`.stages` says where a contribution stands, and
:mod:`.holdings` gives a member their leaves, proofs and claimable revenue.
"""
