// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";

/// @title CoopModel
/// @notice The ghost state every handler shares: what the cooperative should hold, kept apart
/// from the contracts and updated only after a call the model expected to succeed did. The
/// invariants compare the contracts against it. Only the registered handlers write.
contract CoopModel {
    /// @notice A contribution as the model sees it.
    struct Entry {
        address contributor;
        uint256 poolId;
        IContributionRegistry.Status status;
        uint48 weight;
    }

    /// @notice A batch leaf: who, which content, in which form, at what weight.
    struct Leaf {
        address contributor;
        bytes cid;
        uint48 weight;
        bool claimed;
    }

    /// @notice A two-leaf batch.
    struct BatchModel {
        uint256 poolId;
        IContributionRegistry.BatchStatus status;
        address aggregator;
        address curator;
        uint256 count;
        uint256 claimedCount;
        uint256 totalWeight;
        uint256 claimedWeight;
        Leaf[2] leaves;
    }

    /// @notice What a credited review was of: a contribution or a batch.
    struct Review {
        address curator;
        bool isBatch;
        uint256 id;
    }

    /// @notice A pool's listing in the market.
    struct ListingModel {
        uint128 price;
        uint64 purposes;
        bool active;
    }

    error CoopModelNotHandler(address caller);
    /// @notice A contribution or batch was credited a second review.
    error CoopModelReviewedTwice(bool isBatch, uint256 id);

    address private immutable _owner;
    mapping(uint256 id => bytes32 digest) private _contentOf;
    mapping(address => bool) private _handlers;

    // -- contributions ---------------------------------------------------------------------
    uint256[] private _ids;
    mapping(uint256 id => Entry) private _entries;
    mapping(uint256 poolId => mapping(address contributor => uint256)) private _weightOf;
    mapping(uint256 poolId => mapping(address contributor => uint256)) private _acceptedCountOf;
    mapping(uint256 poolId => uint256) private _poolWeight;
    mapping(uint256 poolId => uint256) private _maxWeightSet; // 0: the default
    mapping(uint256 poolId => uint256) private _highestMaxWeight; // 0: the default
    uint256 private _totalAcceptedWeight;
    uint256 private _digestNonce;

    // -- curation work ---------------------------------------------------------------------
    uint256 public constant DEFAULT_MAX_WEIGHT = 100;
    uint256 public constant DEFAULT_CURATION_CAP = 500;
    uint256 public constant DEFAULT_VOUCHER_LIMIT = 250;
    mapping(address curator => uint256) private _reviewsCredited;
    mapping(address curator => uint256) private _workRemoved;
    uint256 private _totalReviewsCredited;
    uint256 private _totalWorkRemoved;
    Review[] private _reviews;
    mapping(bytes32 reviewKey => bool) private _reviewed;
    uint256 private _curationCapSet; // 0: the default
    mapping(address curator => mapping(uint256 epoch => uint256)) private _reviewsInEpoch;

    // -- batches ---------------------------------------------------------------------------
    uint256 private _batchCount;
    mapping(uint256 batchId => BatchModel) private _batches;

    // -- membership ------------------------------------------------------------------------
    mapping(address account => uint256) private _status; // 0: not a member, else class + 1
    mapping(uint256 classIndex => uint256) private _classCount;
    mapping(address member => mapping(uint256 nonce => bool)) private _voucherUsed;
    uint256[4] private _voucherLimitSet; // each + 1; 0: the default
    mapping(uint256 epoch => mapping(uint256 classIndex => uint256)) private _vouchersUsed;

    // -- pools and market ------------------------------------------------------------------
    mapping(uint256 poolId => bool) private _poolClosed;
    mapping(uint256 poolId => ListingModel) private _listings;
    mapping(address buyer => bool) private _struck;
    mapping(bytes32 buyerRef => bool) private _refStruck;
    bool private _generalStrike;
    mapping(bytes32 orderId => uint256) private _purchaseOfOrder;
    uint256 private _purchaseCount;

    // -- relaying --------------------------------------------------------------------------
    mapping(address signer => uint256) private _relayPeriodStart;
    mapping(address signer => uint256) private _relaysInPeriod;

    // -- money -----------------------------------------------------------------------------
    uint256 private _deposited;
    uint256 private _paidOut;
    uint256 private _released;
    mapping(address payer => uint256) private _minted;
    mapping(address payer => uint256) private _spent;

    constructor() {
        _owner = msg.sender;
    }

    modifier onlyHandler() {
        if (!_handlers[msg.sender] && msg.sender != _owner) revert CoopModelNotHandler(msg.sender);
        _;
    }

    /// @notice Lets a handler write; for the test that deploys the model.
    /// @param handler The handler.
    function addHandler(address handler) external onlyHandler {
        _handlers[handler] = true;
    }

    // -- contributions ---------------------------------------------------------------------

    /// @notice A digest no handler has used yet.
    /// @return digest The fresh digest.
    function freshDigest() external onlyHandler returns (bytes32 digest) {
        return keccak256(abi.encode("lumbung.forge.digest", ++_digestNonce));
    }

    /// @notice Records the content (digest) of a registered id, so handlers can reuse it.
    function recordContent(uint256 id, bytes32 digest) external onlyHandler {
        _contentOf[id] = digest;
    }

    /// @notice The content of a registered id, picked by `seed`; zero when none is registered.
    function contentAt(uint256 seed) external view returns (bytes32) {
        if (_ids.length == 0) return bytes32(0);
        return _contentOf[_ids[seed % _ids.length]];
    }

    function idCount() external view returns (uint256) {
        return _ids.length;
    }

    /// @notice A registered id, picked by `seed`; 0 when none is registered.
    function idAt(uint256 seed) external view returns (uint256) {
        if (_ids.length == 0) return 0;
        return _ids[seed % _ids.length];
    }

    function entry(uint256 id) external view returns (Entry memory) {
        return _entries[id];
    }

    function recordSubmitted(uint256 id, address contributor, uint256 poolId) external onlyHandler {
        _ids.push(id);
        _entries[id] = Entry(contributor, poolId, IContributionRegistry.Status.PENDING, 0);
    }

    function recordAccepted(uint256 id, uint48 weight) external onlyHandler {
        Entry storage e = _entries[id];
        e.status = IContributionRegistry.Status.ACCEPTED;
        e.weight = weight;
        _addWeight(e.poolId, e.contributor, weight);
    }

    function recordRejected(uint256 id) external onlyHandler {
        _entries[id].status = IContributionRegistry.Status.REJECTED;
    }

    /// @notice Revoked from any status but REVOKED; an accepted weight leaves the positions.
    function recordRevoked(uint256 id) external onlyHandler {
        Entry storage e = _entries[id];
        if (e.status == IContributionRegistry.Status.ACCEPTED) _removeWeight(e.poolId, e.contributor, e.weight);
        e.status = IContributionRegistry.Status.REVOKED;
    }

    /// @notice Governance re-weighed an accepted contribution, or rejected it with weight 0.
    function recordOverturned(uint256 id, uint48 newWeight) external onlyHandler {
        Entry storage e = _entries[id];
        _removeWeight(e.poolId, e.contributor, e.weight);
        e.weight = newWeight;
        if (newWeight == 0) e.status = IContributionRegistry.Status.REJECTED;
        else _addWeight(e.poolId, e.contributor, newWeight);
    }

    function recordLeafClaimed(uint256 batchId, uint256 leafIndex, uint256 id) external onlyHandler {
        BatchModel storage b = _batches[batchId];
        Leaf storage leaf = b.leaves[leafIndex];
        leaf.claimed = true;
        ++b.claimedCount;
        _ids.push(id);
        b.claimedWeight += leaf.weight;
        _entries[id] = Entry(leaf.contributor, b.poolId, IContributionRegistry.Status.ACCEPTED, leaf.weight);
        _addWeight(b.poolId, leaf.contributor, leaf.weight);
    }

    function weightOf(uint256 poolId, address contributor) external view returns (uint256) {
        return _weightOf[poolId][contributor];
    }

    /// @notice Accepted, unrevoked contributions of `contributor` in the pool.
    function acceptedCountOf(uint256 poolId, address contributor) external view returns (uint256) {
        return _acceptedCountOf[poolId][contributor];
    }

    function poolWeight(uint256 poolId) external view returns (uint256) {
        return _poolWeight[poolId];
    }

    function totalAcceptedWeight() external view returns (uint256) {
        return _totalAcceptedWeight;
    }

    function setPoolMaxWeight(uint256 poolId, uint256 maxWeight) external onlyHandler {
        _maxWeightSet[poolId] = maxWeight;
        if (maxWeight > _highestMaxWeight[poolId]) _highestMaxWeight[poolId] = maxWeight;
    }

    /// @notice The pool's maximum weight now.
    function poolMaxWeight(uint256 poolId) public view returns (uint256) {
        uint256 set = _maxWeightSet[poolId];
        return set == 0 ? DEFAULT_MAX_WEIGHT : set;
    }

    /// @notice The largest maximum weight the pool ever had: no accepted weight is above it.
    function highestMaxWeight(uint256 poolId) external view returns (uint256) {
        uint256 highest = _highestMaxWeight[poolId];
        return highest > DEFAULT_MAX_WEIGHT ? highest : DEFAULT_MAX_WEIGHT;
    }

    function _addWeight(uint256 poolId, address contributor, uint256 weight) private {
        _weightOf[poolId][contributor] += weight;
        ++_acceptedCountOf[poolId][contributor];
        _poolWeight[poolId] += weight;
        _totalAcceptedWeight += weight;
    }

    function _removeWeight(uint256 poolId, address contributor, uint256 weight) private {
        _weightOf[poolId][contributor] -= weight;
        --_acceptedCountOf[poolId][contributor];
        _poolWeight[poolId] -= weight;
        _totalAcceptedWeight -= weight;
    }

    // -- curation work ---------------------------------------------------------------------

    /// @notice One unit of curation work for the review of contribution or batch `id`.
    function creditReview(address curator, bool isBatch, uint256 id, uint256 epoch) external onlyHandler {
        bytes32 key = keccak256(abi.encode(isBatch, id));
        if (_reviewed[key]) revert CoopModelReviewedTwice(isBatch, id);
        _reviewed[key] = true;
        ++_reviewsCredited[curator];
        ++_totalReviewsCredited;
        ++_reviewsInEpoch[curator][epoch];
        _reviews.push(Review(curator, isBatch, id));
    }

    /// @notice Governance removed, or anyone retired, `units` of the account's work units.
    function removeWork(address account, uint256 units) external onlyHandler {
        _workRemoved[account] += units;
        _totalWorkRemoved += units;
    }

    function setCurationCap(uint256 cap) external onlyHandler {
        _curationCapSet = cap;
    }

    function curationCap() public view returns (uint256) {
        return _curationCapSet == 0 ? DEFAULT_CURATION_CAP : _curationCapSet;
    }

    function reviewsInEpoch(address curator, uint256 epoch) external view returns (uint256) {
        return _reviewsInEpoch[curator][epoch];
    }

    /// @notice The account's work units: its reviews credited less what was removed.
    function workUnits(address account) external view returns (uint256) {
        return _reviewsCredited[account] - _workRemoved[account];
    }

    function reviewsCredited(address curator) external view returns (uint256) {
        return _reviewsCredited[curator];
    }

    function totalReviewsCredited() external view returns (uint256) {
        return _totalReviewsCredited;
    }

    function totalWorkRemoved() external view returns (uint256) {
        return _totalWorkRemoved;
    }

    function reviewCount() external view returns (uint256) {
        return _reviews.length;
    }

    function reviewAt(uint256 i) external view returns (Review memory) {
        return _reviews[i];
    }

    // -- batches ---------------------------------------------------------------------------

    function recordBatch(uint256 poolId, address aggregator, uint256 count, uint256 totalWeight, Leaf[2] memory leaves)
        external
        onlyHandler
        returns (uint256 batchId)
    {
        batchId = ++_batchCount;
        BatchModel storage b = _batches[batchId];
        b.poolId = poolId;
        b.status = IContributionRegistry.BatchStatus.PENDING;
        b.aggregator = aggregator;
        b.count = count;
        b.totalWeight = totalWeight;
        b.leaves[0] = leaves[0];
        b.leaves[1] = leaves[1];
    }

    function recordBatchCurated(uint256 batchId, address curator, bool accepted) external onlyHandler {
        BatchModel storage b = _batches[batchId];
        b.curator = curator;
        b.status = accepted ? IContributionRegistry.BatchStatus.ACCEPTED : IContributionRegistry.BatchStatus.REJECTED;
    }

    function recordBatchOverturned(uint256 batchId) external onlyHandler {
        _batches[batchId].status = IContributionRegistry.BatchStatus.REJECTED;
    }

    function batchCount() external view returns (uint256) {
        return _batchCount;
    }

    function batchOf(uint256 batchId) external view returns (BatchModel memory) {
        return _batches[batchId];
    }

    // -- membership ------------------------------------------------------------------------

    function recordJoined(address member, uint256 classIndex, uint256 nonce, bool byVoucher) external onlyHandler {
        _status[member] = classIndex + 1;
        ++_classCount[classIndex];
        if (byVoucher) {
            _voucherUsed[member][nonce] = true;
            ++_vouchersUsed[block.timestamp / 1 days][classIndex];
        }
    }

    function setVoucherLimits(uint32[4] memory limits) external onlyHandler {
        for (uint256 c = 0; c < 4; ++c) {
            _voucherLimitSet[c] = uint256(limits[c]) + 1;
        }
    }

    function voucherLimit(uint256 classIndex) public view returns (uint256) {
        uint256 set = _voucherLimitSet[classIndex];
        return set == 0 ? DEFAULT_VOUCHER_LIMIT : set - 1;
    }

    /// @notice Whether the class's vouchers for today are used up.
    function voucherLimitReached(uint256 classIndex) external view returns (bool) {
        return _vouchersUsed[block.timestamp / 1 days][classIndex] >= voucherLimit(classIndex);
    }

    function vouchersUsed(uint256 classIndex, uint256 epoch) external view returns (uint256) {
        return _vouchersUsed[epoch][classIndex];
    }

    function totalMembers() external view returns (uint256 total) {
        for (uint256 c = 0; c < 4; ++c) {
            total += _classCount[c];
        }
    }

    function recordLeft(address member) external onlyHandler {
        --_classCount[_status[member] - 1];
        _status[member] = 0;
    }

    function statusOf(address account) external view returns (uint256) {
        return _status[account];
    }

    function classCount(uint256 classIndex) external view returns (uint256) {
        return _classCount[classIndex];
    }

    function voucherUsed(address member, uint256 nonce) external view returns (bool) {
        return _voucherUsed[member][nonce];
    }

    // -- pools and market ------------------------------------------------------------------

    function setPoolClosed(uint256 poolId, bool closed) external onlyHandler {
        _poolClosed[poolId] = closed;
    }

    function poolClosed(uint256 poolId) external view returns (bool) {
        return _poolClosed[poolId];
    }

    function setListing(uint256 poolId, ListingModel memory listing_) external onlyHandler {
        _listings[poolId] = listing_;
    }

    function listing(uint256 poolId) external view returns (ListingModel memory) {
        return _listings[poolId];
    }

    function setStruck(address buyer, bool struck) external onlyHandler {
        _struck[buyer] = struck;
    }

    function setRefStruck(bytes32 buyerRef, bool struck) external onlyHandler {
        _refStruck[buyerRef] = struck;
    }

    function setGeneralStrike(bool struck) external onlyHandler {
        _generalStrike = struck;
    }

    function struck(address buyer) external view returns (bool) {
        return _struck[buyer];
    }

    function refStruck(bytes32 buyerRef) external view returns (bool) {
        return buyerRef != bytes32(0) && _refStruck[buyerRef];
    }

    function generalStrike() external view returns (bool) {
        return _generalStrike;
    }

    /// @notice A sale went through: `payer` paid `price`, the distributor received it.
    function recordSale(address payer, uint256 price, bytes32 orderId) external onlyHandler returns (uint256 id) {
        id = ++_purchaseCount;
        if (orderId != bytes32(0)) _purchaseOfOrder[orderId] = id;
        _spent[payer] += price;
        _deposited += price;
    }

    function purchaseOfOrder(bytes32 orderId) external view returns (uint256) {
        return _purchaseOfOrder[orderId];
    }

    function purchaseCount() external view returns (uint256) {
        return _purchaseCount;
    }

    // -- relaying --------------------------------------------------------------------------

    /// @notice The forwarder executed one of `signer`'s requests in the period from `periodStart`.
    /// @param signer The request's signer.
    /// @param periodStart The start of the forwarder's current period.
    function recordRelayed(address signer, uint256 periodStart) external onlyHandler {
        if (_relayPeriodStart[signer] != periodStart) {
            _relayPeriodStart[signer] = periodStart;
            _relaysInPeriod[signer] = 0;
        }
        ++_relaysInPeriod[signer];
    }

    /// @notice The signer's requests executed in the period from `periodStart`.
    /// @param signer The signer.
    /// @param periodStart A period's start.
    /// @return The count.
    function relaysInPeriod(address signer, uint256 periodStart) external view returns (uint256) {
        return _relayPeriodStart[signer] == periodStart ? _relaysInPeriod[signer] : 0;
    }

    // -- money -----------------------------------------------------------------------------

    function recordMinted(address payer, uint256 amount) external onlyHandler {
        _minted[payer] += amount;
    }

    function recordPaidOut(uint256 amount) external onlyHandler {
        _paidOut += amount;
    }

    function recordReleased(uint256 amount) external onlyHandler {
        _released += amount;
    }

    /// @notice What a payer should hold: everything minted to it less every sale it paid for.
    function expectedBalance(address payer) external view returns (uint256) {
        return _minted[payer] - _spent[payer];
    }

    function deposited() external view returns (uint256) {
        return _deposited;
    }

    function paidOut() external view returns (uint256) {
        return _paidOut;
    }

    function released() external view returns (uint256) {
        return _released;
    }
}
