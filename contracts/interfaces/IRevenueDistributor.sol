// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IBatchPots} from "./IBatchPots.sol";

/// @title IRevenueDistributor
/// @notice Splits every sale in basis points between the sold pool's contributors (pro rata
/// to their revenue shares in that pool), the digital workers (pro rata to curation work) and
/// the reserve (released to the treasury, the timelock). Each recipient group is a "pot" with
/// an O(1) accumulator; members pull their earnings with `claim`. Nothing loops over members.
/// @dev Pots are identified by a uint256: a pool id for contributors, WORK_POT for workers.
/// Accounting is exact in units of 1e-18 wei: sub-wei remainders stay with their account or
/// the reserve, so deposited == claimed + claimable + reserve (+ sub-wei remainders).
interface IRevenueDistributor is IBatchPots {
    /// @notice Revenue for a pool arrived and was split.
    /// @param poolId The pool sold.
    /// @param amount The whole payment.
    /// @param toContributors The contributors' part (0 when the pool has no shares).
    /// @param toWorkers The workers' part (0 when no work is recorded).
    /// @param toReserve The reserve's part, including rounding dust and any unassignable part.
    event RevenueDeposited(
        uint256 indexed poolId, uint256 amount, uint256 toContributors, uint256 toWorkers, uint256 toReserve
    );

    /// @notice An account's units in a pot changed (shares in a pool, or curation work).
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account.
    /// @param units The account's units after the change.
    /// @param totalUnits The pot's total units after the change.
    event UnitsChanged(uint256 indexed potId, address indexed account, uint256 units, uint256 totalUnits);

    /// @notice An account claimed its earnings from a pot.
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account paid.
    /// @param amount The amount paid.
    event RevenueClaimed(uint256 indexed potId, address indexed account, uint256 amount);

    /// @notice The accrued reserve was released to the treasury.
    /// @param treasury The receiver.
    /// @param amount The amount.
    event ReserveReleased(address indexed treasury, uint256 amount);

    /// @notice Governance changed the split.
    /// @param contributorsBps The contributors' share.
    /// @param workersBps The workers' share.
    /// @param reserveBps The reserve's share.
    event SplitChanged(uint16 contributorsBps, uint16 workersBps, uint16 reserveBps);

    /// @notice Governance changed the treasury.
    /// @param treasury The new treasury.
    event TreasuryChanged(address indexed treasury);

    /// @notice The split does not sum to 10,000 basis points.
    /// @param sum The sum given.
    error RevenueDistributorInvalidSplit(uint256 sum);

    /// @notice More units were removed than the account holds.
    /// @param potId The pot.
    /// @param account The account.
    /// @param units The account's units.
    /// @param removed The units asked to remove.
    error RevenueDistributorInsufficientUnits(uint256 potId, address account, uint256 units, uint256 removed);

    /// @notice A share is outside its governed bounds.
    /// @param contributorsBps The contributors' share given.
    /// @param workersBps The workers' share given.
    /// @param reserveBps The reserve's share given.
    error RevenueDistributorSplitOutOfBounds(uint256 contributorsBps, uint256 workersBps, uint256 reserveBps);

    /// @notice The treasury cannot be the zero address.
    error RevenueDistributorZeroTreasury();

    /// @notice Records revenue for a pool; the depositor has already transferred `amount`.
    /// @param poolId The pool sold.
    /// @param amount The payment.
    function deposit(uint256 poolId, uint256 amount) external;

    /// @notice Adds units to an account in a pot, settling its earnings first.
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account.
    /// @param units The units to add.
    function addUnits(uint256 potId, address account, uint256 units) external;

    /// @notice Removes units from an account in a pot, settling its earnings first.
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account.
    /// @param units The units to remove.
    function removeUnits(uint256 potId, address account, uint256 units) external;

    /// @notice Pays the caller everything it has earned in a pot.
    /// @param potId The pool id, or WORK_POT.
    /// @return amount The amount paid (0 is allowed and pays nothing).
    function claim(uint256 potId) external returns (uint256 amount);

    /// @notice Pays the caller its earnings from several pots in one transaction.
    /// @param potIds The pots.
    /// @return amount The total paid.
    function claimMany(uint256[] calldata potIds) external returns (uint256 amount);

    /// @notice Sends the accrued reserve to the treasury; anyone may call.
    /// @return amount The amount released.
    function releaseReserve() external returns (uint256 amount);

    /// @notice Sets the split; for governance (the timelock). Bounded: the three shares sum to
    /// 10 000, the contributors keep at least MIN_CONTRIBUTORS_BPS, the workers at least
    /// MIN_WORKERS_BPS, and the reserve takes at most MAX_RESERVE_BPS.
    /// @param contributorsBps The contributors' share.
    /// @param workersBps The workers' share.
    /// @param reserveBps The reserve's share.
    function setSplit(uint16 contributorsBps, uint16 workersBps, uint16 reserveBps) external;

    /// @notice Sets the treasury; for governance.
    /// @param treasury The new treasury.
    function setTreasury(address treasury) external;

    /// @notice What an account can claim from a pot now.
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account.
    /// @return amount The claimable amount.
    function claimable(uint256 potId, address account) external view returns (uint256 amount);

    /// @notice An account's units in a pot.
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account.
    /// @return units The units.
    function unitsOf(uint256 potId, address account) external view returns (uint256 units);

    /// @notice A pot's total units.
    /// @param potId The pool id, or WORK_POT.
    /// @return units The total.
    function totalUnits(uint256 potId) external view returns (uint256 units);

    /// @notice The current split.
    /// @return contributorsBps The contributors' share.
    /// @return workersBps The workers' share.
    /// @return reserveBps The reserve's share.
    function split() external view returns (uint16 contributorsBps, uint16 workersBps, uint16 reserveBps);

    /// @notice Running totals, for transparency and for the money invariant.
    /// @return deposited All revenue ever deposited.
    /// @return claimed All revenue ever claimed: what left the distributor other than the
    /// reserve, deposited - reserveReleased - the tokens it holds (tokens sent to it outside a
    /// sale are never deposited, so they lower this figure and stay unclaimable).
    /// @return reserveAccrued Reserve not yet released.
    /// @return reserveReleased Reserve already sent to the treasury.
    function totals()
        external
        view
        returns (uint256 deposited, uint256 claimed, uint256 reserveAccrued, uint256 reserveReleased);

    /// @notice An account's earnings in a pot in units of 1e-18 wei, settled or not, including
    /// the sub-wei remainder that stays with the account; for exact audits of the accounting.
    /// @param potId The pool id, or WORK_POT.
    /// @param account The account.
    /// @return scaled claimable(potId, account) * 1e18 + the account's sub-wei remainder.
    function earnedScaled(uint256 potId, address account) external view returns (uint256 scaled);

    /// @notice The reserve's sub-wei remainder in units of 1e-18 wei (below 1e18).
    /// @return scaled The remainder.
    function reserveRemainder() external view returns (uint256 scaled);

    /// @notice The pot id of the workers' share.
    /// @return The pot id.
    function WORK_POT() external view returns (uint256);
}
