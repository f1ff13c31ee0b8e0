// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRevenueDistributor} from "./interfaces/IRevenueDistributor.sol";
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

    struct Totals {
        uint128 deposited;
        uint128 claimed;
    }

    struct Reserve {
        uint128 accrued;
        uint64 remainder; // scaled by 1e18, below 1e18
    }

    IERC20 private immutable _paymentToken;
    Config private _config;
    Totals private _totals;
    Reserve private _reserve;
    uint256 private _reserveReleased;
    mapping(uint256 potId => Pot) private _pots;
    mapping(uint256 potId => mapping(address account => Position)) private _positions;

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

        Totals memory totals = _totals;
        totals.deposited += amount.toUint128();
        _totals = totals;
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
        Totals memory t = _totals;
        return (t.deposited, t.claimed, _reserve.accrued, _reserveReleased);
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

    function _payOut(uint256 amount) private {
        if (amount == 0) return;
        _totals.claimed += amount.toUint128();
        _paymentToken.safeTransfer(_msgSender(), amount);
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
