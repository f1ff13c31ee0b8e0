"""The chain gateway (:class:`Chain`) and its typed facades, one per deployed contract."""

from api.chain.binding import Binding, BindingError
from api.chain.gateway import ARTIFACTS, Chain, ErrorDecoder
from api.chain.results import Contribution, Listing, Pool

__all__ = [
    "ARTIFACTS",
    "Binding",
    "BindingError",
    "Chain",
    "Contribution",
    "ErrorDecoder",
    "Listing",
    "Pool",
]
