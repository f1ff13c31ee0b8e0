// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IBatchPots} from "../../../contracts/interfaces/IBatchPots.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {Cids} from "../utils/Cids.sol";

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

    /// @notice A batch leaf: who, which ordinal, which content in which form, at what weight,
    /// and what its contributor did with it.
    struct Leaf {
        address contributor;
        uint8 ordinal;
        uint48 weight;
        bytes cid;
        bool claimed; // taken into its contributor's holding by a claim
        bool activated; // registered for tokens
        bool revoked;
    }

    /// @notice A batch: its commitment, its curation, the registry's counts and the pot's books
    /// (the pool's accumulator at acceptance and at the last change of its units).
    struct BatchModel {
        uint256 poolId;
        IContributionRegistry.BatchStatus status;
        address aggregator;
        address curator;
        bytes32 root;
        uint256 count;
        uint256 totalWeight;
        uint256 rejected;
        IBatchPots.BatchPotState potState;
        uint256 maxWeight; // the pool's at acceptance
        uint256 claimedCount; // the distributor's: claimed or revoked within the commitment
        uint256 claimedWeight;
        uint256 activatedCount; // the registry's
        uint256 activatedWeight;
        uint256 units;
        uint256 accStart;
        uint256 booksAcc;
        uint256 booksAccrued;
        uint256 paid;
        Leaf[] leaves; // filled by batchWithLeaves only (kept apart in _leavesOf)
    }

    /// @notice A contributor's holding in a batch: its claimed leaves' ordinals (and revoked
    /// ones), their weight, and the accumulator they were last paid to.
    struct Holding {
        uint256 ordinals;
        uint256 weight;
        uint256 snapshot;
        uint256 paid;
    }

    /// @notice What a credited review was of: a contribution or a batch.
    struct Review {
        address curator;
        bool isBatch;
        uint256 id;
        uint256 units;
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
    mapping(uint256 batchId => Leaf[]) private _leavesOf;
    mapping(uint256 poolId => uint256) private _batchUnitsIn; // earning batches' units
    mapping(uint256 batchId => mapping(address contributor => Holding)) private _holdings;
    mapping(address contributor => uint256) private _leafTokens; // activated, unrevoked weight
    uint256 private _totalLeafTokens;
    mapping(uint256 id => bool) private _batched; // an id activated or revoked from a batch

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

    /// @notice `units` of curation work for the review of contribution `id` (one) or of batch
    /// `id` (one per review it holds).
    function creditReview(address curator, bool isBatch, uint256 id, uint256 epoch, uint256 units)
        external
        onlyHandler
    {
        bytes32 key = keccak256(abi.encode(isBatch, id));
        if (_reviewed[key]) revert CoopModelReviewedTwice(isBatch, id);
        _reviewed[key] = true;
        _reviewsCredited[curator] += units;
        _totalReviewsCredited += units;
        _reviewsInEpoch[curator][epoch] += units;
        _reviews.push(Review(curator, isBatch, id, units));
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

    /// @notice A batch was submitted with these leaves and commitments.
    function recordBatch(BatchModel memory submitted, Leaf[] memory leaves)
        external
        onlyHandler
        returns (uint256 batchId)
    {
        batchId = ++_batchCount;
        BatchModel storage b = _batches[batchId];
        b.poolId = submitted.poolId;
        b.status = IContributionRegistry.BatchStatus.PENDING;
        b.aggregator = submitted.aggregator;
        b.curator = submitted.curator;
        b.root = submitted.root;
        b.count = submitted.count;
        b.totalWeight = submitted.totalWeight;
        b.rejected = submitted.rejected;
        for (uint256 i = 0; i < leaves.length; ++i) {
            _leavesOf[batchId].push(leaves[i]);
        }
    }

    /// @notice The designated curator accepted the batch (its pot opens at `acc`, the pool's
    /// accumulator, unless it has no leaves), or rejected it.
    function recordBatchCurated(uint256 batchId, bool accepted, uint256 acc) external onlyHandler {
        BatchModel storage b = _batches[batchId];
        if (!accepted) {
            b.status = IContributionRegistry.BatchStatus.REJECTED;
            return;
        }
        b.status = IContributionRegistry.BatchStatus.ACCEPTED;
        if (b.count == 0) return;
        b.potState = IBatchPots.BatchPotState.EARNING;
        b.maxWeight = poolMaxWeight(b.poolId);
        b.units = b.totalWeight;
        _batchUnitsIn[b.poolId] += b.units;
        b.accStart = acc;
        b.booksAcc = acc;
    }

    /// @notice Governance overturned the batch at the pool's accumulator `acc`.
    function recordBatchOverturned(uint256 batchId, uint256 acc) external onlyHandler {
        BatchModel storage b = _batches[batchId];
        b.status = IContributionRegistry.BatchStatus.OVERTURNED;
        if (b.potState != IBatchPots.BatchPotState.EARNING) return;
        _settleBooks(b, acc);
        _batchUnitsIn[b.poolId] -= b.units;
        b.units = 0;
        b.potState = IBatchPots.BatchPotState.CLOSED;
    }

    /// @notice `account` claimed the leaves `ks` (none: only its holding) at the accumulator
    /// `acc`; returns what the claim pays.
    function recordLeavesClaimed(uint256 batchId, address account, uint256[] memory ks, uint256 acc)
        external
        onlyHandler
        returns (uint256 amount)
    {
        BatchModel storage b = _batches[batchId];
        Holding storage h = _holdings[batchId][account];
        acc = _batchAcc(b, acc);
        uint256 scaled = h.weight * (acc - h.snapshot);
        for (uint256 i = 0; i < ks.length; ++i) {
            Leaf storage leaf = _leavesOf[batchId][ks[i]];
            leaf.claimed = true;
            h.ordinals |= 1 << leaf.ordinal;
            h.weight += leaf.weight;
            scaled += uint256(leaf.weight) * (acc - b.accStart);
            ++b.claimedCount;
            b.claimedWeight += leaf.weight;
        }
        h.snapshot = acc;
        amount = _pay(b, h, scaled);
    }

    /// @notice `account` activated the leaves `ks`.
    function recordLeavesActivated(uint256 batchId, uint256[] memory ks) external onlyHandler {
        BatchModel storage b = _batches[batchId];
        for (uint256 i = 0; i < ks.length; ++i) {
            Leaf storage leaf = _leavesOf[batchId][ks[i]];
            leaf.activated = true;
            uint256 id = _leafId(leaf);
            _entries[id] = Entry(leaf.contributor, b.poolId, IContributionRegistry.Status.ACCEPTED, leaf.weight);
            _batched[id] = true;
            ++b.activatedCount;
            b.activatedWeight += leaf.weight;
            _leafTokens[leaf.contributor] += leaf.weight;
            _totalLeafTokens += leaf.weight;
        }
    }

    /// @notice The contributor revoked leaf `k` at the accumulator `acc`: its revenue so far is
    /// paid, its weight leaves the pot (as the distributor's _takeLeaf), its tokens are burnt.
    /// Returns what it pays and the weight removed from the pool.
    function recordLeafRevoked(uint256 batchId, uint256 k, uint256 acc)
        external
        onlyHandler
        returns (uint256 amount, uint256 removed)
    {
        BatchModel storage b = _batches[batchId];
        Leaf storage leaf = _leavesOf[batchId][k];
        Holding storage h = _holdings[batchId][leaf.contributor];
        acc = _batchAcc(b, acc);
        uint256 scaled;
        removed = leaf.weight;
        if (leaf.contributor == b.curator) {
            // The curator's holding is marked at acceptance: its own leaf never earns; its
            // weight leaves the pool if it was within the commitment.
            if (withinCommitment(batchId, 1, leaf.weight)) {
                ++b.claimedCount;
                b.claimedWeight += leaf.weight;
            } else {
                removed = 0;
            }
        } else {
            scaled = h.weight * (acc - h.snapshot);
            uint256 bit = 1 << leaf.ordinal;
            if (h.ordinals & bit != 0) {
                if (removed > h.weight) removed = h.weight;
                h.weight -= removed;
            } else if (
                leaf.weight != 0 && leaf.weight <= b.maxWeight && withinCommitment(batchId, 1, leaf.weight)
            ) {
                scaled += uint256(leaf.weight) * (acc - b.accStart);
                ++b.claimedCount;
                b.claimedWeight += leaf.weight;
            } else {
                removed = 0; // beyond the commitment or the pool's maximum: it never earned
            }
            h.ordinals |= bit;
            h.snapshot = acc;
        }
        if (b.potState != IBatchPots.BatchPotState.EARNING) removed = 0;
        amount = _pay(b, h, scaled);
        if (removed != 0) {
            _settleBooks(b, acc);
            b.units -= removed;
            _batchUnitsIn[b.poolId] -= removed;
        }
        leaf.revoked = true;
        uint256 id = _leafId(leaf);
        // The content turns revoked when this leaf activated it or nothing registered it.
        if (leaf.activated || _entries[id].status == IContributionRegistry.Status.NONE) {
            _entries[id] = Entry(leaf.contributor, b.poolId, IContributionRegistry.Status.REVOKED, leaf.weight);
            _batched[id] = true;
        }
        if (leaf.activated) {
            _leafTokens[leaf.contributor] -= leaf.weight;
            _totalLeafTokens -= leaf.weight;
        }
    }

    /// @notice Whether `count` more leaves of `weight` stay within the batch's commitment (in
    /// the distributor's count of claimed and revoked leaves).
    function withinCommitment(uint256 batchId, uint256 count, uint256 weight) public view returns (bool) {
        BatchModel storage b = _batches[batchId];
        return b.claimedCount + count <= b.count && b.claimedWeight + weight <= b.totalWeight;
    }

    /// @notice What the batch's pot holds not yet paid, scaled by 1e18, at the pool's
    /// accumulator `acc`: its books (units × Δaccumulator since acceptance) less what it paid.
    function batchEarnedScaled(uint256 batchId, uint256 acc) external view returns (uint256) {
        BatchModel storage b = _batches[batchId];
        if (b.potState == IBatchPots.BatchPotState.NONE) return 0;
        return entitledScaled(batchId, acc) - b.paid * 1e18;
    }

    /// @notice Everything the batch's units earned since acceptance, scaled by 1e18.
    function entitledScaled(uint256 batchId, uint256 acc) public view returns (uint256) {
        BatchModel storage b = _batches[batchId];
        if (b.potState == IBatchPots.BatchPotState.NONE) return 0;
        return b.booksAccrued + b.units * (_batchAcc(b, acc) - b.booksAcc);
    }

    function batchCount() external view returns (uint256) {
        return _batchCount;
    }

    /// @notice The batch, without its leaves.
    function batchOf(uint256 batchId) external view returns (BatchModel memory) {
        return _batches[batchId];
    }

    /// @notice The batch with its leaves.
    function batchWithLeaves(uint256 batchId) external view returns (BatchModel memory b) {
        b = _batches[batchId];
        b.leaves = _leavesOf[batchId];
    }

    /// @notice The pool's units: its single accepted weights and its earning batches' units.
    function poolUnits(uint256 poolId) external view returns (uint256) {
        return _poolWeight[poolId] + _batchUnitsIn[poolId];
    }

    function holdingOf(uint256 batchId, address contributor) external view returns (Holding memory) {
        return _holdings[batchId][contributor];
    }

    /// @notice Whether the contribution `id` was activated or revoked from a batch.
    function batched(uint256 id) external view returns (bool) {
        return _batched[id];
    }

    /// @notice The contributor's activated, unrevoked leaf weight: its tokens from batches.
    function leafTokens(address contributor) external view returns (uint256) {
        return _leafTokens[contributor];
    }

    function totalLeafTokens() external view returns (uint256) {
        return _totalLeafTokens;
    }

    function _settleBooks(BatchModel storage b, uint256 acc) private {
        b.booksAccrued += b.units * (acc - b.booksAcc);
        b.booksAcc = acc;
    }

    /// @dev The accumulator a batch's leaves earn up to: the pool's `acc` while earning, else
    /// the pool's at the overturn.
    function _batchAcc(BatchModel storage b, uint256 acc) private view returns (uint256) {
        return b.potState == IBatchPots.BatchPotState.EARNING ? acc : b.booksAcc;
    }

    function _pay(BatchModel storage b, Holding storage h, uint256 scaled) private returns (uint256 amount) {
        amount = scaled / 1e18;
        b.paid += amount;
        h.paid += amount;
    }

    function _leafId(Leaf storage leaf) private view returns (uint256) {
        return Cids.idOf(leaf.contributor, Cids.digestOf(leaf.cid));
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
