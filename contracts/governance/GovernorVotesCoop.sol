// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {ICoopGovernor} from "../interfaces/ICoopGovernor.sol";
import {IMembership} from "../interfaces/IMembership.sol";

/// @title GovernorVotesCoop
/// @notice Governor module for voice credits: who may vote and propose (Membership checkpoints),
/// and how many credits a member holds in an epoch (a base allotment plus contribution-token
/// votes, the smaller of their values at the epoch's start and at the proposal's snapshot,
/// capped). Clock: timestamps (ERC-6372), like Membership and ContributionToken.
/// @dev Epoch rules (length, base allotment) are a short history of packed words. A change
/// takes effect at the next boundary of the schedule in force, so the epoch of any past or
/// current timestamp never moves, epoch numbers keep counting up, and credits already spent
/// stay charged to the right budget.
abstract contract GovernorVotesCoop is Governor, ICoopGovernor {
    // Epoch rules word: start (48 bits) | first epoch (48) | length (32) | base credits (128).
    uint256 private constant _FIRST_EPOCH_SHIFT = 48;
    uint256 private constant _LENGTH_SHIFT = 96;
    uint256 private constant _BASE_SHIFT = 128;

    /// @notice The longest epoch governance can set.
    uint256 public constant MAX_EPOCH_LENGTH = 365 days;
    /// @notice The largest base allotment governance can set.
    uint256 public constant MAX_BASE_CREDITS = 1_000_000;
    /// @notice The largest token credit cap governance can set.
    uint256 public constant MAX_TOKEN_CREDIT_CAP = 1_000_000;

    IMembership private immutable _membership;
    IERC5805 private immutable _token;
    /// @dev The founding epoch length, or a day if that was longer: no proposal can make epochs
    /// (and so the credit budgets' period) shorter than the cooperative started with.
    uint256 private immutable _minEpochLength;

    uint256 private _tokenCreditCap;

    /// @dev The latest scheduled rules; their start may still lie in the future.
    uint256 private _latestEpochRules;
    /// @dev Every superseded rules word, oldest first, for lookups of older timestamps.
    uint256[] private _pastEpochRules;

    /// @param membership_ The member register.
    /// @param token_ The contribution token (ERC20Votes, timestamp clock).
    /// @param initialEpochLength Seconds per epoch; epoch 0 starts at deployment.
    /// @param initialBaseCredits Credits every active member receives per epoch.
    /// @param initialTokenCreditCap The cap on the token part of voice credits.
    constructor(
        IMembership membership_,
        IERC5805 token_,
        uint32 initialEpochLength,
        uint128 initialBaseCredits,
        uint256 initialTokenCreditCap
    ) {
        if (initialEpochLength == 0 || initialEpochLength > MAX_EPOCH_LENGTH) {
            revert CoopGovernorInvalidEpochLength(initialEpochLength);
        }
        _checkBaseCredits(initialBaseCredits);
        _membership = membership_;
        _token = token_;
        _minEpochLength = initialEpochLength < 1 days ? initialEpochLength : 1 days;
        _setTokenCreditCap(initialTokenCreditCap);
        uint256 start = clock();
        _latestEpochRules = _packRules(start, 0, initialEpochLength, initialBaseCredits);
        emit EpochRulesScheduled(start, 0, initialEpochLength, initialBaseCredits);
    }

    /// @inheritdoc ICoopGovernor
    function membership() external view returns (IMembership) {
        return _membership;
    }

    /// @inheritdoc ICoopGovernor
    function token() external view returns (IERC5805) {
        return _token;
    }

    /// @notice The ERC-6372 clock: block timestamps, as in Membership and ContributionToken.
    /// @return The current timestamp.
    function clock() public view virtual override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice The ERC-6372 clock mode; votingDelay, votingPeriod and epochs are in seconds.
    /// @return The machine-readable clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public view virtual override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ICoopGovernor
    function epochAt(uint256 timepoint)
        external
        view
        returns (uint256 epoch, uint256 start, uint256 length, uint256 baseCredits)
    {
        uint256 rules = _epochRulesAt(timepoint);
        (epoch, start) = _epochOf(rules, timepoint);
        length = uint32(rules >> _LENGTH_SHIFT);
        baseCredits = rules >> _BASE_SHIFT;
    }

    /// @inheritdoc ICoopGovernor
    function scheduledEpochRules()
        external
        view
        returns (uint256 effectiveFrom, uint256 firstEpoch, uint256 length, uint256 baseCredits)
    {
        uint256 rules = _latestEpochRules;
        return (uint48(rules), uint48(rules >> _FIRST_EPOCH_SHIFT), uint32(rules >> _LENGTH_SHIFT), rules >> _BASE_SHIFT);
    }

    /// @inheritdoc ICoopGovernor
    function setEpochLength(uint32 newLength) external onlyGovernance {
        _scheduleEpochRules(newLength, uint128(_latestEpochRules >> _BASE_SHIFT));
    }

    /// @inheritdoc ICoopGovernor
    function setBaseCredits(uint128 newBaseCredits) external onlyGovernance {
        _checkBaseCredits(newBaseCredits);
        _scheduleEpochRules(uint32(_latestEpochRules >> _LENGTH_SHIFT), newBaseCredits);
    }

    /// @inheritdoc ICoopGovernor
    function setTokenCreditCap(uint256 newCap) external onlyGovernance {
        _setTokenCreditCap(newCap);
    }

    /// @inheritdoc ICoopGovernor
    function tokenCreditCap() external view returns (uint256) {
        return _tokenCreditCap;
    }

    /// @notice Creates a proposal. Only an account that was an active member one second ago may
    /// propose; unless it was a steward, it must then hold at least {proposalThreshold}
    /// contribution-token votes. The description must end with `#proposer=<caller>`.
    /// @dev Same checks and events as {Governor-propose}, except that the threshold reads token
    /// votes rather than voice credits, membership comes first, stewards are exempt from the
    /// threshold (so no threshold can leave nobody able to propose) and the proposer suffix is
    /// required rather than optional (so a copied proposal cannot be front-run and cancelled).
    /// @param targets Call targets.
    /// @param values Call values.
    /// @param calldatas Call data.
    /// @param description The proposal text (may end with `#proposer=0x…`).
    /// @return The proposal id.
    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) public virtual override returns (uint256) {
        address proposer = _msgSender();
        uint256 timepoint = clock() - 1;
        (bool active, IMembership.StakeholderClass stakeholderClass) = _membership.memberStatusAt(proposer, timepoint);
        if (!active) revert CoopGovernorProposerNotMember(proposer, timepoint);
        uint256 threshold = proposalThreshold();
        if (threshold > 0 && stakeholderClass != IMembership.StakeholderClass.STEWARD) {
            uint256 proposerVotes = _token.getPastVotes(proposer, timepoint);
            if (proposerVotes < threshold) {
                revert GovernorInsufficientProposerVotes(proposer, proposerVotes, threshold);
            }
        }
        if (!_isValidDescriptionForProposer(proposer, description)) revert GovernorRestrictedProposer(proposer);
        return _propose(targets, values, calldatas, description, proposer);
    }

    /// @dev Only descriptions that end with `#proposer=<proposer>` (OpenZeppelin's suffix, which it
    /// leaves optional) are valid.
    function _isValidDescriptionForProposer(address proposer, string memory description)
        internal
        view
        virtual
        override
        returns (bool)
    {
        bytes memory text = bytes(description);
        uint256 length = text.length;
        // "#proposer=0x" (12 bytes) followed by 40 hex digits that spell the proposer. OpenZeppelin
        // reads 40 characters that are not hex as "no suffix" and lets anyone propose; here they
        // bind nobody, so the proposal is refused.
        if (length < 52) return false;
        bytes12 marker;
        assembly ("memory-safe") {
            marker := mload(add(add(text, 0x20), sub(length, 52)))
        }
        if (marker != bytes12("#proposer=0x")) return false;
        uint256 named;
        for (uint256 i = length - 40; i < length; ++i) {
            uint8 c = uint8(text[i]);
            if (c >= 0x30 && c <= 0x39) c -= 0x30; // 0-9
            else if (c >= 0x61 && c <= 0x66) c -= 0x57; // a-f
            else if (c >= 0x41 && c <= 0x46) c -= 0x37; // A-F
            else return false;
            named = (named << 4) | c;
        }
        return address(uint160(named)) == proposer;
    }

    /// @dev Voice credits of `account` for the proposal whose snapshot is `timepoint`: zero unless
    /// it was an active member then, else the epoch's base allotment plus the smaller of its token
    /// votes at the epoch's start and at `timepoint`, at most the token credit cap. The smaller of
    /// the two means weight accepted just before an epoch and revoked after counts for nothing.
    function _getVotes(address account, uint256 timepoint, bytes memory /* params */ )
        internal
        view
        virtual
        override
        returns (uint256)
    {
        (bool active,) = _membership.memberStatusAt(account, timepoint);
        if (!active) return 0;
        uint256 rules = _epochRulesAt(timepoint);
        (, uint256 start) = _epochOf(rules, timepoint);
        uint256 tokenVotes = Math.min(_token.getPastVotes(account, start), _tokenCreditCap);
        if (tokenVotes != 0 && timepoint != start) tokenVotes = Math.min(tokenVotes, _token.getPastVotes(account, timepoint));
        return (rules >> _BASE_SHIFT) + tokenVotes;
    }

    /// @dev The member register.
    function _memberRegister() internal view returns (IMembership) {
        return _membership;
    }

    /// @dev An account's status and class at a past timestamp.
    function _memberStatusAt(address account, uint256 timepoint)
        internal
        view
        returns (bool active, IMembership.StakeholderClass stakeholderClass)
    {
        return _membership.memberStatusAt(account, timepoint);
    }

    /// @dev A class's member count at a past timestamp.
    function _memberCountAt(IMembership.StakeholderClass stakeholderClass, uint256 timepoint)
        internal
        view
        returns (uint256)
    {
        return _membership.memberCountAt(stakeholderClass, timepoint);
    }

    /// @dev The number of the epoch containing `timepoint`.
    function _epochNumberAt(uint256 timepoint) internal view returns (uint256 epoch) {
        (epoch,) = _epochOf(_epochRulesAt(timepoint), timepoint);
    }

    function _checkBaseCredits(uint256 baseCredits) private pure {
        if (baseCredits == 0 || baseCredits > MAX_BASE_CREDITS) {
            revert CoopGovernorOutOfBounds("baseCredits", baseCredits, 1, MAX_BASE_CREDITS);
        }
    }

    function _setTokenCreditCap(uint256 cap) private {
        if (cap > MAX_TOKEN_CREDIT_CAP) revert CoopGovernorOutOfBounds("tokenCreditCap", cap, 0, MAX_TOKEN_CREDIT_CAP);
        _tokenCreditCap = cap;
        emit TokenCreditCapSet(cap);
    }

    function _scheduleEpochRules(uint32 newLength, uint128 newBaseCredits) private {
        if (newLength < _minEpochLength || newLength > MAX_EPOCH_LENGTH) revert CoopGovernorInvalidEpochLength(newLength);
        uint256 nowTimepoint = clock();
        uint256 latest = _latestEpochRules;
        bool latestInForce = uint48(latest) <= nowTimepoint;
        // A pending change (latest not yet in force) starts at the next boundary of the rules in
        // force, which is exactly where this one must start too: it is replaced, not stacked.
        uint256 inForce = latestInForce ? latest : _pastEpochRules[_pastEpochRules.length - 1];
        (uint256 epoch, uint256 start) = _epochOf(inForce, nowTimepoint);
        uint256 effectiveFrom = start + uint32(inForce >> _LENGTH_SHIFT);
        if (latestInForce) _pastEpochRules.push(latest);
        _latestEpochRules = _packRules(effectiveFrom, epoch + 1, newLength, newBaseCredits);
        emit EpochRulesScheduled(effectiveFrom, epoch + 1, newLength, newBaseCredits);
    }

    /// @dev The rules word in force at `timepoint`. The latest word answers nearly every lookup
    /// (one SLOAD); older timestamps binary-search the history, which grows by one word per
    /// governance change of the epoch rules.
    function _epochRulesAt(uint256 timepoint) private view returns (uint256 rules) {
        rules = _latestEpochRules;
        if (uint48(rules) <= timepoint) return rules;
        uint256 low = 0;
        uint256 high = _pastEpochRules.length;
        // Invariant: entries below `low` start at or before `timepoint`, entries from `high` on after it.
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (uint48(_pastEpochRules[mid]) <= timepoint) low = mid + 1;
            else high = mid;
        }
        if (low == 0) {
            uint256 first = _pastEpochRules.length == 0 ? rules : _pastEpochRules[0];
            revert CoopGovernorBeforeFirstEpoch(timepoint, uint48(first));
        }
        return _pastEpochRules[low - 1];
    }

    /// @dev Epoch number and start of `timepoint` under `rules`; requires timepoint ≥ the rules' start.
    function _epochOf(uint256 rules, uint256 timepoint) private pure returns (uint256 epoch, uint256 start) {
        uint256 origin = uint48(rules);
        uint256 length = uint32(rules >> _LENGTH_SHIFT);
        uint256 elapsed = (timepoint - origin) / length;
        epoch = uint48(rules >> _FIRST_EPOCH_SHIFT) + elapsed;
        start = origin + elapsed * length;
    }

    function _packRules(uint256 start, uint256 firstEpoch, uint256 length, uint256 baseCredits)
        private
        pure
        returns (uint256)
    {
        return start | (firstEpoch << _FIRST_EPOCH_SHIFT) | (length << _LENGTH_SHIFT) | (baseCredits << _BASE_SHIFT);
    }
}
