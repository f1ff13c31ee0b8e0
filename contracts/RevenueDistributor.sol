// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IBatchPots} from "./interfaces/IBatchPots.sol";
import {IRevenueDistributor} from "./interfaces/IRevenueDistributor.sol";
import {BatchLeaf, BatchLeafHash} from "./types/BatchLeaf.sol";
import {RelayedAccessControl} from "./metatx/RelayedAccessControl.sol";

/// @title RevenueDistributor
/// @notice Splits sales between a pool's contributors, the digital workers and the reserve,
/// and lets every member pull what they earned. Gas per deposit and per claim is constant in
/// the number of members: each pot keeps one accumulator of revenue per unit, scaled by 1e18.
/// @dev Exactness: a deposit adds floor(amount * 1e18 / totalUnits) to the accumulator and the
/// scaled dust to the reserve; an account's accrual is units * Δaccumulator in scaled units,
/// of which whole wei become claimable and the sub-wei remainder stays with the account. So
/// deposited * 1e18 == claimed * 1e18 + Σ earnedScaled + reserve * 1e18 + reserveRemainder.
/// Members may claim through the cooperative's forwarder (ERC-2771), which credits the signer.
contract RevenueDistributor is IRevenueDistributor, RelayedAccessControl {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice The role that records revenue (the DataMarket).
    bytes32 public constant DEPOSITOR_ROLE = keccak256("DEPOSITOR_ROLE");
    /// @notice The role that changes units (the ContributionRegistry).
    bytes32 public constant UNITS_ROLE = keccak256("UNITS_ROLE");
    /// @inheritdoc IRevenueDistributor
    uint256 public constant WORK_POT = type(uint256).max;

    /// @notice The smallest contributors' share governance can set, in basis points.
    uint256 public constant MIN_CONTRIBUTORS_BPS = 5_000;
    /// @notice The smallest workers' share governance can set, in basis points.
    uint256 public constant MIN_WORKERS_BPS = 500;
    /// @notice The largest reserve share governance can set, in basis points.
    uint256 public constant MAX_RESERVE_BPS = 3_000;
    /// @notice Leaves per contributor per batch: ordinals 0 to 47, one bit each in a holding.
    uint256 public constant MAX_LEAVES_PER_HOLDER = 48;

    uint256 private constant _PRECISION = 1e18;
    uint256 private constant _BPS = 10_000;

    struct Pot {
        uint256 accPerUnit;
        uint256 totalUnits;
    }

    /// @dev One slot for what changes on every settlement, one for the accumulator snapshot.
    struct Position {
        uint96 units;
        uint64 remainder; // sub-wei earnings, scaled by 1e18, so always below 1e18 < 2^64
        uint96 owed; // settled whole wei, not yet claimed
        uint256 accSnapshot;
    }

    struct Config {
        address treasury;
        uint16 contributorsBps;
        uint16 workersBps;
        uint16 reserveBps;
    }

    struct Reserve {
        uint128 accrued;
        uint64 remainder; // scaled by 1e18, below 1e18
    }

    /// @dev A claim reads slots 0 to 2 and writes slot 2; revocations and closing also use the
    /// books (slots 3 and 4), the batch's entitlement as its units change. When closed, units
    /// are 0 and booksAcc is the accumulator at closing, where its leaves stop earning.
    /// Weights are at most count * MAX_WEIGHT_CEILING < 2**38. Accumulators of a pool that
    /// opens a batch are below 2**160 (a pool with one unit of weight would have had to sell for
    /// 1.4e30 base units of the token); holdings' snapshots below 2**184.
    struct BatchPot {
        bytes32 root;
        uint32 poolId;
        BatchPotState state;
        uint24 count;
        uint32 maxWeight;
        uint160 accStart;
        uint48 claimedWeight;
        uint48 committedWeight;
        uint24 claimedCount;
        uint136 paid;
        uint208 booksAcc;
        uint48 units;
        uint256 booksAccrued;
    }

    IERC20 private immutable _paymentToken;
    Config private _config;
    /// @dev All revenue ever deposited. What was claimed is not counted apart: it is what left
    /// the distributor other than the reserve (`totals`), so no claim writes a shared slot.
    uint256 private _deposited;
    Reserve private _reserve;
    uint256 private _reserveReleased;
    mapping(uint256 potId => Pot) private _pots;
    mapping(uint256 potId => mapping(address account => Position)) private _positions;
    mapping(uint256 batchId => BatchPot) private _batchPots;
    /// @dev One word per contributor per batch: the accumulator snapshot of its claimed leaves
    /// (low 184 bits), their weight (24 bits: at most 48 leaves of 10,000) and the bitmap of its
    /// claimed or revoked ordinals (top 48 bits).
    mapping(uint256 batchId => mapping(address account => uint256)) private _holdings;

    uint256 private constant _HOLDING_SNAPSHOT = 184;
    uint256 private constant _HOLDING_ORDINALS = 208;
    uint256 private constant _WEIGHT_MASK = (1 << 24) - 1;
    /// @dev The curator's holding in its own batch: every ordinal taken, no weight. Its own
    /// leaves (which should not be there) never earn, and revoking one pays nothing.
    uint256 private constant _CURATOR_HOLDING = ((1 << MAX_LEAVES_PER_HOLDER) - 1) << _HOLDING_ORDINALS;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    /// @param paymentToken The union's payment token.
    /// @param treasury Where the reserve is released to (the timelock).
    /// @param contributorsBps Initial contributors' share.
    /// @param workersBps Initial workers' share.
    /// @param reserveBps Initial reserve share.
    /// @param trustedForwarder The LumbungForwarder, whose requests act for their signer.
    constructor(
        address admin,
        IERC20 paymentToken,
        address treasury,
        uint16 contributorsBps,
        uint16 workersBps,
        uint16 reserveBps,
        address trustedForwarder
    ) RelayedAccessControl(trustedForwarder) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _paymentToken = paymentToken;
        _setTreasury(treasury);
        _setSplit(contributorsBps, workersBps, reserveBps);
    }

    /// @inheritdoc IRevenueDistributor
    function deposit(uint256 poolId, uint256 amount) external onlyRole(DEPOSITOR_ROLE) {
        Config memory config = _config;
        uint256 toContributors = amount * config.contributorsBps / _BPS;
        uint256 toWorkers = amount * config.workersBps / _BPS;
        uint256 reserveScaled = (amount - toContributors - toWorkers) * _PRECISION;

        uint256 dust;
        (toContributors, dust) = _accrue(_pots[poolId], toContributors);
        reserveScaled += dust;
        (toWorkers, dust) = _accrue(_pots[WORK_POT], toWorkers);
        reserveScaled += dust;

        _deposited += amount;
        Reserve memory reserve = _reserve;
        reserveScaled += reserve.remainder;
        reserve.accrued += (reserveScaled / _PRECISION).toUint128();
        // The remainder of a division by 1e18 is below 1e18 < 2^64.
        reserve.remainder = uint64(reserveScaled % _PRECISION);
        _reserve = reserve;
        emit RevenueDeposited(poolId, amount, toContributors, toWorkers, amount - toContributors - toWorkers);
    }

    /// @inheritdoc IRevenueDistributor
    function addUnits(uint256 potId, address account, uint256 units) external onlyRole(UNITS_ROLE) {
        Pot storage pot = _pots[potId];
        Position storage position = _positions[potId][account];
        _settle(pot, position);
        uint256 newUnits = position.units + units;
        position.units = newUnits.toUint96();
        uint256 newTotal = pot.totalUnits + units;
        pot.totalUnits = newTotal;
        emit UnitsChanged(potId, account, newUnits, newTotal);
    }

    /// @inheritdoc IRevenueDistributor
    function removeUnits(uint256 potId, address account, uint256 units) external onlyRole(UNITS_ROLE) {
        Pot storage pot = _pots[potId];
        Position storage position = _positions[potId][account];
        _settle(pot, position);
        uint256 held = position.units;
        if (units > held) revert RevenueDistributorInsufficientUnits(potId, account, held, units);
        // units <= held, and totalUnits is the sum of all positions' units, so neither underflows.
        unchecked {
            position.units = uint96(held - units);
            pot.totalUnits -= units;
        }
        emit UnitsChanged(potId, account, held - units, pot.totalUnits);
    }

    /// @inheritdoc IRevenueDistributor
    function claim(uint256 potId) external returns (uint256 amount) {
        amount = _claim(potId, _msgSender());
        _payOut(amount);
    }

    /// @inheritdoc IRevenueDistributor
    function claimMany(uint256[] calldata potIds) external returns (uint256 amount) {
        for (uint256 i = 0; i < potIds.length; ++i) {
            amount += _claim(potIds[i], _msgSender());
        }
        _payOut(amount);
    }

    /// @inheritdoc IBatchPots
    function openBatchPot(
        uint256 batchId,
        uint256 poolId,
        bytes32 root,
        uint256 count,
        uint256 units,
        uint256 maxWeight,
        address curator
    ) external onlyRole(UNITS_ROLE) {
        BatchPot storage bp = _batchPots[batchId];
        if (bp.state != BatchPotState.NONE) revert RevenueDistributorBatchState(batchId, bp.state);
        Pot storage pot = _pots[poolId];
        uint256 acc = pot.accPerUnit;
        uint256 newTotal = pot.totalUnits + units;
        pot.totalUnits = newTotal;
        bp.root = root;
        bp.poolId = poolId.toUint32();
        bp.state = BatchPotState.EARNING;
        bp.count = count.toUint24();
        bp.maxWeight = maxWeight.toUint32();
        bp.committedWeight = units.toUint48();
        bp.accStart = acc.toUint160();
        bp.booksAcc = acc.toUint208();
        bp.units = units.toUint48();
        _holdings[batchId][curator] = _CURATOR_HOLDING;
        emit BatchPotOpened(batchId, poolId, units, newTotal);
    }

    /// @inheritdoc IBatchPots
    function closeBatchPot(uint256 batchId) external onlyRole(UNITS_ROLE) {
        BatchPot storage bp = _batchPots[batchId];
        if (bp.state != BatchPotState.EARNING) revert RevenueDistributorBatchState(batchId, bp.state);
        Pot storage pot = _pots[bp.poolId];
        _settleBooks(bp, pot.accPerUnit);
        uint256 units = bp.units;
        // The batch's units are part of the pot's total.
        unchecked {
            pot.totalUnits -= units;
        }
        bp.units = 0;
        bp.state = BatchPotState.CLOSED;
        emit BatchPotClosed(batchId, bp.poolId, units);
    }

    /// @inheritdoc IBatchPots
    function revokeBatchLeaf(uint256 batchId, address account, uint8 ordinal, uint48 weight)
        external
        onlyRole(UNITS_ROLE)
        returns (uint256 amount, uint256 removed)
    {
        BatchPot storage bp = _batchPots[batchId];
        BatchPotState state = bp.state;
        if (state == BatchPotState.NONE) revert RevenueDistributorBatchState(batchId, state);
        uint256 acc = _batchAcc(bp, state);
        uint256 scaled;
        (scaled, removed) = _takeLeaf(bp, batchId, account, ordinal, weight, acc);
        if (state != BatchPotState.EARNING) removed = 0;
        amount = _pay(bp, scaled);
        emit BatchLeafRevoked(batchId, account, ordinal, removed, amount);
        if (removed != 0) {
            _settleBooks(bp, acc);
            // removed <= the batch's units: each leaf's weight is counted in them once.
            bp.units -= uint48(removed);
            unchecked {
                _pots[bp.poolId].totalUnits -= removed;
            }
        }
        _payTo(account, amount);
    }

    /// @inheritdoc IBatchPots
    function claimLeaf(uint256 batchId, BatchLeaf calldata leaf, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        address account = _msgSender();
        BatchPot storage bp = _batchPots[batchId];
        if (!MerkleProof.verifyCalldata(proof, bp.root, BatchLeafHash.hash(address(this), bp.poolId, account, leaf))) {
            revert RevenueDistributorInvalidLeafProof(batchId, account);
        }
        uint256 weight = leaf.weight;
        _checkLeafWeight(bp, batchId, weight);
        amount = _claimFromBatch(bp, batchId, account, _ordinalBit(batchId, leaf.ordinal), 1, weight);
        _payTo(account, amount);
    }

    /// @inheritdoc IBatchPots
    function claimLeaves(
        uint256 batchId,
        BatchLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 amount) {
        if (leaves.length == 0) revert RevenueDistributorNoLeaves();
        address account = _msgSender();
        _verifyLeaves(batchId, account, leaves, proof, proofFlags);
        amount = _claimProvenLeaves(batchId, account, leaves);
        _payTo(account, amount);
    }

    /// @inheritdoc IBatchPots
    function claimBatches(uint256[] calldata batchIds) external returns (uint256 amount) {
        address account = _msgSender();
        for (uint256 i = 0; i < batchIds.length; ++i) {
            uint256 batchId = batchIds[i];
            BatchPot storage bp = _batchPots[batchId];
            BatchPotState state = bp.state;
            if (state == BatchPotState.NONE) revert RevenueDistributorBatchState(batchId, state);
            uint256 holding = _holdings[batchId][account];
            uint256 held = (holding >> _HOLDING_SNAPSHOT) & _WEIGHT_MASK;
            if (held == 0) continue;
            uint256 acc = _batchAcc(bp, state);
            _holdings[batchId][account] = _holding(holding >> _HOLDING_ORDINALS, held, acc);
            uint256 paid = _pay(bp, held * (acc - uint184(holding)));
            if (paid != 0) emit BatchRevenueClaimed(batchId, account, paid);
            amount += paid;
        }
        _payTo(account, amount);
    }

    /// @inheritdoc IRevenueDistributor
    function releaseReserve() external returns (uint256 amount) {
        amount = _reserve.accrued;
        if (amount == 0) return 0;
        _reserve.accrued = 0;
        _reserveReleased += amount;
        address receiver = _config.treasury;
        emit ReserveReleased(receiver, amount);
        _paymentToken.safeTransfer(receiver, amount);
    }

    /// @inheritdoc IRevenueDistributor
    function setSplit(uint16 contributorsBps, uint16 workersBps, uint16 reserveBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setSplit(contributorsBps, workersBps, reserveBps);
    }

    /// @inheritdoc IRevenueDistributor
    function setTreasury(address treasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury);
    }

    /// @inheritdoc IRevenueDistributor
    function claimable(uint256 potId, address account) external view returns (uint256 amount) {
        return earnedScaled(potId, account) / _PRECISION;
    }

    /// @inheritdoc IRevenueDistributor
    function earnedScaled(uint256 potId, address account) public view returns (uint256 scaled) {
        Position storage position = _positions[potId][account];
        scaled = uint256(position.owed) * _PRECISION + position.remainder + uint256(position.units)
            * (_pots[potId].accPerUnit - position.accSnapshot);
    }

    /// @inheritdoc IRevenueDistributor
    function unitsOf(uint256 potId, address account) external view returns (uint256 units) {
        return _positions[potId][account].units;
    }

    /// @inheritdoc IRevenueDistributor
    function totalUnits(uint256 potId) external view returns (uint256 units) {
        return _pots[potId].totalUnits;
    }

    /// @inheritdoc IRevenueDistributor
    function split() external view returns (uint16 contributorsBps, uint16 workersBps, uint16 reserveBps) {
        Config memory config = _config;
        return (config.contributorsBps, config.workersBps, config.reserveBps);
    }

    /// @notice The treasury that receives the reserve.
    /// @return The treasury address.
    function treasury() external view returns (address) {
        return _config.treasury;
    }

    /// @notice The payment token the distributor holds and pays out.
    /// @return The token.
    function paymentToken() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @inheritdoc IRevenueDistributor
    function totals()
        external
        view
        returns (uint256 deposited, uint256 claimed, uint256 reserveAccrued, uint256 reserveReleased)
    {
        deposited = _deposited;
        reserveReleased = _reserveReleased;
        uint256 held = _paymentToken.balanceOf(address(this));
        // Tokens sent here outside a sale are held but never deposited: they count as unclaimed.
        uint256 owed = deposited - reserveReleased;
        claimed = owed > held ? owed - held : 0;
        return (deposited, claimed, _reserve.accrued, reserveReleased);
    }

    /// @inheritdoc IBatchPots
    function batchPot(uint256 batchId)
        external
        view
        returns (
            uint256 poolId,
            BatchPotState state,
            uint256 units,
            uint256 claimedCount,
            uint256 claimedWeight,
            uint256 paid
        )
    {
        BatchPot storage bp = _batchPots[batchId];
        return (bp.poolId, bp.state, bp.units, bp.claimedCount, bp.claimedWeight, bp.paid);
    }

    /// @inheritdoc IBatchPots
    function batchHolding(uint256 batchId, address account) external view returns (uint256 weight, uint256 ordinals) {
        uint256 holding = _holdings[batchId][account];
        return ((holding >> _HOLDING_SNAPSHOT) & _WEIGHT_MASK, holding >> _HOLDING_ORDINALS);
    }

    /// @inheritdoc IBatchPots
    function claimableFromBatch(uint256 batchId, address account, uint256 newWeight)
        external
        view
        returns (uint256 amount)
    {
        BatchPot storage bp = _batchPots[batchId];
        BatchPotState state = bp.state;
        if (state == BatchPotState.NONE) return 0;
        uint256 acc = _batchAcc(bp, state);
        uint256 holding = _holdings[batchId][account];
        uint256 held = (holding >> _HOLDING_SNAPSHOT) & _WEIGHT_MASK;
        return (held * (acc - uint184(holding)) + newWeight * (acc - bp.accStart)) / _PRECISION;
    }

    /// @inheritdoc IBatchPots
    function batchEarnedScaled(uint256 batchId) external view returns (uint256 scaled) {
        BatchPot storage bp = _batchPots[batchId];
        BatchPotState state = bp.state;
        if (state == BatchPotState.NONE) return 0;
        uint256 acc = _batchAcc(bp, state);
        return bp.booksAccrued + uint256(bp.units) * (acc - bp.booksAcc) - uint256(bp.paid) * _PRECISION;
    }

    /// @inheritdoc IRevenueDistributor
    function reserveRemainder() external view returns (uint256 scaled) {
        return _reserve.remainder;
    }

    /// @dev Credits `amount` to every unit of a pot. Returns what was distributed in whole wei
    /// and the scaled dust that could not be (all of it when the pot has no units).
    function _accrue(Pot storage pot, uint256 amount) private returns (uint256 distributed, uint256 dustScaled) {
        uint256 scaled = amount * _PRECISION;
        uint256 total = pot.totalUnits;
        if (total == 0 || amount == 0) return (0, scaled);
        pot.accPerUnit += scaled / total;
        dustScaled = scaled % total;
        // Distributed in wei for the event; dust is below total units of 1e-18 wei.
        distributed = amount - dustScaled / _PRECISION;
    }

    /// @dev Moves everything a position earned since its snapshot into owed wei and remainder.
    function _settle(Pot storage pot, Position storage position) private {
        uint256 acc = pot.accPerUnit;
        uint256 snapshot = position.accSnapshot;
        if (acc == snapshot) return;
        uint256 units = position.units;
        if (units != 0) {
            uint256 scaled = units * (acc - snapshot) + position.remainder;
            position.owed = SafeCast.toUint96(position.owed + scaled / _PRECISION);
            // Below 1e18 < 2^64.
            position.remainder = uint64(scaled % _PRECISION);
        }
        position.accSnapshot = acc;
    }

    function _claim(uint256 potId, address account) private returns (uint256 amount) {
        Position storage position = _positions[potId][account];
        _settle(_pots[potId], position);
        amount = position.owed;
        if (amount == 0) return 0;
        position.owed = 0;
        emit RevenueClaimed(potId, account, amount);
    }

    /// @dev Pays `account` its claimed leaves' revenue since their snapshot and, for
    /// `newBits` leaves of `newWeight` claimed now, their revenue since acceptance; counts them
    /// against the batch's commitment and records them in the holding.
    function _claimFromBatch(
        BatchPot storage bp,
        uint256 batchId,
        address account,
        uint256 newBits,
        uint256 newCount,
        uint256 newWeight
    ) private returns (uint256 amount) {
        BatchPotState state = bp.state;
        if (state == BatchPotState.NONE) revert RevenueDistributorBatchState(batchId, state);
        uint256 holding = _holdings[batchId][account];
        uint256 ordinals = holding >> _HOLDING_ORDINALS;
        if (ordinals & newBits != 0) {
            if (holding == _CURATOR_HOLDING) revert RevenueDistributorBatchCurator(batchId, account);
            revert RevenueDistributorLeafTaken(batchId, _lowestBit(ordinals & newBits));
        }
        if (!_withinCommitment(bp, newCount, newWeight)) {
            revert RevenueDistributorBatchCommitment(batchId, bp.count, bp.committedWeight);
        }
        _countClaimed(bp, newCount, newWeight);
        uint256 acc = _batchAcc(bp, state);
        uint256 held = (holding >> _HOLDING_SNAPSHOT) & _WEIGHT_MASK;
        uint256 scaled = held * (acc - uint184(holding)) + newWeight * (acc - bp.accStart);
        _holdings[batchId][account] = _holding(ordinals | newBits, held + newWeight, acc);
        amount = _pay(bp, scaled);
        emit BatchLeavesClaimed(batchId, account, newBits, newWeight, amount);
    }

    function _verifyLeaves(
        uint256 batchId,
        address account,
        BatchLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private view {
        BatchPot storage bp = _batchPots[batchId];
        bytes32[] memory hashes = BatchLeafHash.hashAll(address(this), bp.poolId, account, leaves);
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, bp.root, hashes)) {
            revert RevenueDistributorInvalidLeafProof(batchId, account);
        }
    }

    function _claimProvenLeaves(uint256 batchId, address account, BatchLeaf[] calldata leaves)
        private
        returns (uint256 amount)
    {
        BatchPot storage bp = _batchPots[batchId];
        (uint256 bits, uint256 weight) = _leafBits(bp, batchId, leaves);
        return _claimFromBatch(bp, batchId, account, bits, leaves.length, weight);
    }

    /// @dev Takes a revoked leaf out of `account`'s holding: its revenue until `acc` (scaled),
    /// and the weight that leaves the batch's units.
    function _takeLeaf(BatchPot storage bp, uint256 batchId, address account, uint8 ordinal, uint48 weight, uint256 acc)
        private
        returns (uint256 scaled, uint256 removed)
    {
        uint256 bit = _ordinalBit(batchId, ordinal);
        uint256 holding = _holdings[batchId][account];
        if (holding == _CURATOR_HOLDING) {
            // The curator's own leaf: it never earned; its weight leaves if it was counted.
            if (!_withinCommitment(bp, 1, weight)) return (0, 0);
            _countClaimed(bp, 1, weight);
            return (0, weight);
        }
        uint256 held = (holding >> _HOLDING_SNAPSHOT) & _WEIGHT_MASK;
        scaled = held * (acc - uint184(holding));
        removed = weight;
        if (holding >> _HOLDING_ORDINALS & bit != 0) {
            // A claimed leaf: its weight is in the holding (a leaf sharing its ordinal removes
            // its own weight, never more than the holding has).
            if (removed > held) removed = held;
            held -= removed;
        } else if (_withinCommitment(bp, 1, weight)) {
            // An unclaimed leaf: everything it earned since the batch's acceptance.
            scaled += uint256(weight) * (acc - bp.accStart);
            _countClaimed(bp, 1, weight);
        } else {
            // Beyond the batch's commitment: it never earned, and its weight was never counted.
            removed = 0;
        }
        _holdings[batchId][account] = _holding(holding >> _HOLDING_ORDINALS | bit, held, acc);
    }

    /// @dev The ordinals of `leaves` as a bitmap, each once, and their total weight, each leaf's
    /// within the batch's maximum.
    function _leafBits(BatchPot storage bp, uint256 batchId, BatchLeaf[] calldata leaves)
        private
        view
        returns (uint256 bits, uint256 weight)
    {
        for (uint256 i = 0; i < leaves.length; ++i) {
            uint256 bit = _ordinalBit(batchId, leaves[i].ordinal);
            if (bits & bit != 0) revert RevenueDistributorLeafTaken(batchId, leaves[i].ordinal);
            bits |= bit;
            uint256 leafWeight = leaves[i].weight;
            _checkLeafWeight(bp, batchId, leafWeight);
            weight += leafWeight;
        }
    }

    /// @dev The whole wei of `scaled`, added to what the batch paid; the sub-wei rest stays.
    function _pay(BatchPot storage bp, uint256 scaled) private returns (uint256 amount) {
        amount = scaled / _PRECISION;
        if (amount == 0) return 0;
        bp.paid = SafeCast.toUint136(bp.paid + amount);
    }

    function _withinCommitment(BatchPot storage bp, uint256 count, uint256 weight) private view returns (bool) {
        return bp.claimedCount + count <= bp.count && bp.claimedWeight + weight <= bp.committedWeight;
    }

    /// @dev Called only within the commitment: both sums fit their fields.
    function _countClaimed(BatchPot storage bp, uint256 count, uint256 weight) private {
        bp.claimedCount = uint24(bp.claimedCount + count);
        bp.claimedWeight = uint48(bp.claimedWeight + weight);
    }

    function _checkLeafWeight(BatchPot storage bp, uint256 batchId, uint256 weight) private view {
        uint256 maxWeight = bp.maxWeight;
        if (weight == 0 || weight > maxWeight) revert RevenueDistributorLeafWeight(batchId, weight, maxWeight);
    }

    /// @dev The accumulator a batch's leaves earn up to: the pool's now, or its value when the
    /// batch was closed.
    function _batchAcc(BatchPot storage bp, BatchPotState state) private view returns (uint256) {
        return state == BatchPotState.EARNING ? _pots[bp.poolId].accPerUnit : bp.booksAcc;
    }

    /// @dev Adds the batch's entitlement since the books' last accumulator.
    function _settleBooks(BatchPot storage bp, uint256 acc) private {
        bp.booksAccrued += uint256(bp.units) * (acc - bp.booksAcc);
        bp.booksAcc = acc.toUint208();
    }

    function _holding(uint256 ordinals, uint256 weight, uint256 acc) private pure returns (uint256) {
        return ordinals << _HOLDING_ORDINALS | weight << _HOLDING_SNAPSHOT | acc.toUint184();
    }

    function _ordinalBit(uint256 batchId, uint256 ordinal) private pure returns (uint256) {
        if (ordinal >= MAX_LEAVES_PER_HOLDER) revert RevenueDistributorLeafTaken(batchId, ordinal);
        return 1 << ordinal;
    }

    function _lowestBit(uint256 bits) private pure returns (uint256 index) {
        while (bits & 1 == 0) {
            bits >>= 1;
            ++index;
        }
    }

    function _payOut(uint256 amount) private {
        _payTo(_msgSender(), amount);
    }

    function _payTo(address account, uint256 amount) private {
        if (amount == 0) return;
        _paymentToken.safeTransfer(account, amount);
    }

    function _setSplit(uint16 contributorsBps, uint16 workersBps, uint16 reserveBps) private {
        uint256 sum = uint256(contributorsBps) + workersBps + reserveBps;
        if (sum != _BPS) revert RevenueDistributorInvalidSplit(sum);
        if (contributorsBps < MIN_CONTRIBUTORS_BPS || workersBps < MIN_WORKERS_BPS || reserveBps > MAX_RESERVE_BPS) {
            revert RevenueDistributorSplitOutOfBounds(contributorsBps, workersBps, reserveBps);
        }
        _config.contributorsBps = contributorsBps;
        _config.workersBps = workersBps;
        _config.reserveBps = reserveBps;
        emit SplitChanged(contributorsBps, workersBps, reserveBps);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert RevenueDistributorZeroTreasury();
        _config.treasury = treasury_;
        emit TreasuryChanged(treasury_);
    }
}
