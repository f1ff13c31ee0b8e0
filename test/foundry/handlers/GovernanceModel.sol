// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {CLASS_COUNT} from "../../../contracts/types/ClassLayout.sol";
import {GovernanceBounds} from "./GovernanceBounds.sol";

/// @title GovernanceModel
/// @notice The ghost of the governance suite: membership, token balances, epoch rules and
/// governed settings as histories of their own, every proposal with its copied rules, tally and
/// lifecycle, and every voter's credits spent per epoch. It applies the rules of
/// docs/governance.md on its own (credits, quorum per class, the weighted majority in whole
/// numbers, the late-quorum extension, the timelock's states), so the invariants can hold the
/// governor to them. Only the test that deploys it and the handler it names write.
contract GovernanceModel {
    /// @notice What a proposal does.
    enum Kind {
        SETTER,
        DECOY,
        EXPEL,
        ROLE
    }

    /// @notice The governed setters a SETTER proposal calls, one each.
    enum Setter {
        VOTING_DELAY,
        VOTING_PERIOD,
        THRESHOLD,
        EXTENSION,
        BASE_CREDITS,
        TOKEN_CAP,
        EPOCH_LENGTH,
        WEIGHTS,
        QUORUMS,
        TIMELOCK_DELAY
    }

    /// @notice A value of a history from a timestamp on (the last one of a second wins).
    struct Point {
        uint48 at;
        uint208 value;
    }

    /// @notice The governed settings, as the last executed proposals left them.
    struct Params {
        uint256 votingDelay;
        uint256 votingPeriod;
        uint256 threshold;
        uint256 voteExtension;
        uint256 tokenCreditCap;
        /// @dev As stored by `updateDelay`; the timelock applies at most 30 days of it.
        uint256 timelockDelay;
        uint16[CLASS_COUNT] weights;
        uint16[CLASS_COUNT] quorums;
    }

    /// @notice Epoch rules from `start` on, numbering epochs from `firstEpoch`.
    struct EpochRules {
        uint256 start;
        uint256 firstEpoch;
        uint256 length;
        uint256 base;
    }

    /// @notice A proposal's calls, as proposed, queued and executed.
    struct Calls {
        address[] targets;
        uint256[] values;
        bytes[] calldatas;
        string description;
    }

    /// @notice Votes per class: Σ n For, Against and Abstain, voters, and how many of the voters
    /// collude; `others` counts the voters who do not.
    struct Tally {
        uint256[4] forVotes;
        uint256[4] againstVotes;
        uint256[4] abstainVotes;
        uint256[4] voters;
        uint256[4] colluders;
        uint256 others;
    }

    /// @notice A proposal's lifecycle as the model sees it. `expelOnly`: made of expulsions
    /// only; `relief`: such a proposal naming at most a third of the membership, whose named
    /// members leave their class's quorum; `probe`: the honest majority's expulsion that led
    /// every class (it must execute).
    struct Core {
        uint256 id;
        address proposer;
        Kind kind;
        bool outOfBounds;
        bool expelOnly;
        bool relief;
        bool probe;
        bool executed;
        bool canceled;
        address canceller;
        uint48 created;
        uint48 snapshot;
        uint48 voteEnd;
        uint48 extendedDeadline;
        uint48 eta;
    }

    /// @notice The class weights and quorums a proposal copied, and the members it leaves out
    /// of each class's quorum.
    struct Rules {
        uint16[CLASS_COUNT] weights;
        uint16[CLASS_COUNT] quorums;
        uint256[4] excluded;
    }

    /// @notice What a proposal does when executed: a SETTER's `setter`, `value` and
    /// `setterValues`; an EXPEL's `named` members in call order; a ROLE's `grant` (or
    /// revocation) of CURATOR_ROLE to `roleAccount`.
    struct Effect {
        Setter setter;
        uint256 value;
        uint16[CLASS_COUNT] setterValues;
        address[] named;
        bool grant;
        address roleAccount;
    }

    /// @notice A (voter, epoch) pair with credits spent, what it spent and the largest budget
    /// it voted with there.
    struct Spending {
        address voter;
        uint256 epoch;
        uint256 spent;
        uint256 maxBudget;
    }

    /// @notice Everything the model says of a proposal now, in one read.
    struct Look {
        Core core;
        Rules rules;
        Tally tally;
        uint256[4] sizes;
        IGovernor.ProposalState state;
        uint256 deadline;
    }

    /// @notice Only the deployer and the handler write.
    error GovernanceModelNotWriter(address caller);

    uint256 private constant _BPS = 10_000;
    uint256 private constant _SPENT_MAX = type(uint128).max;

    address private immutable _owner;
    address private _writer;

    mapping(address account => Point[]) private _status; // 0: not a member, else class + 1
    Point[][CLASS_COUNT] private _classCounts;
    mapping(address account => Point[]) private _tokens;
    mapping(address account => bool) private _curator;
    mapping(uint256 day => mapping(uint256 classIndex => uint256)) private _vouchersUsed;

    EpochRules[] private _epochRules;
    Params private _params;

    Core[] private _cores;
    mapping(uint256 index => Rules) private _rules;
    mapping(uint256 index => Effect) private _effects;
    mapping(uint256 index => Tally) private _tallies;
    mapping(uint256 index => Calls) private _calls;
    mapping(uint256 index => mapping(address voter => bool)) private _voted;
    mapping(address voter => mapping(uint256 epoch => uint256)) private _spent;
    mapping(address voter => mapping(uint256 epoch => uint256)) private _maxBudget;
    address[] private _spendingVoters;
    uint256[] private _spendingEpochs;

    /// @param founding The governor's and the timelock's founding settings.
    /// @param epochLength The founding epoch length; epoch 0 starts now, as the governor's.
    /// @param baseCredits The founding base allotment.
    constructor(Params memory founding, uint256 epochLength, uint256 baseCredits) {
        _owner = msg.sender;
        _params = founding;
        _epochRules.push(EpochRules(block.timestamp, 0, epochLength, baseCredits));
    }

    modifier onlyWriter() {
        if (msg.sender != _owner && msg.sender != _writer) revert GovernanceModelNotWriter(msg.sender);
        _;
    }

    /// @notice Names the handler; for the deployer.
    function setWriter(address writer) external onlyWriter {
        _writer = writer;
    }

    // -- membership and tokens ---------------------------------------------------------------

    /// @notice The account's status from now on: 0 (none) or class + 1.
    function recordStatus(address account, uint256 status) external onlyWriter {
        uint256 previous = statusNow(account);
        if (previous == status) return;
        _push(_status[account], status);
        if (previous != 0) _push(_classCounts[previous - 1], classCountNow(previous - 1) - 1);
        if (status != 0) _push(_classCounts[status - 1], classCountNow(status - 1) + 1);
    }

    function recordVoucher(uint256 classIndex) external onlyWriter {
        ++_vouchersUsed[block.timestamp / 1 days][classIndex];
    }

    function recordTokens(address account, uint256 balance) external onlyWriter {
        _push(_tokens[account], balance);
    }

    function setCurator(address account, bool role) external onlyWriter {
        _curator[account] = role;
    }

    function statusAt(address account, uint256 timepoint) public view returns (uint256) {
        return _lookup(_status[account], timepoint);
    }

    function statusNow(address account) public view returns (uint256) {
        return _latest(_status[account]);
    }

    function classCountAt(uint256 classIndex, uint256 timepoint) public view returns (uint256) {
        return _lookup(_classCounts[classIndex], timepoint);
    }

    function classCountNow(uint256 classIndex) public view returns (uint256) {
        return _latest(_classCounts[classIndex]);
    }

    function totalAt(uint256 timepoint) public view returns (uint256 total) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            total += classCountAt(c, timepoint);
        }
    }

    function totalNow() external view returns (uint256 total) {
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            total += classCountNow(c);
        }
    }

    function tokensAt(address account, uint256 timepoint) public view returns (uint256) {
        return _lookup(_tokens[account], timepoint);
    }

    function tokensNow(address account) external view returns (uint256) {
        return _latest(_tokens[account]);
    }

    function isCurator(address account) external view returns (bool) {
        return _curator[account];
    }

    function vouchersUsedToday(uint256 classIndex) external view returns (uint256) {
        return _vouchersUsed[block.timestamp / 1 days][classIndex];
    }

    // -- settings and epochs -----------------------------------------------------------------

    function params() external view returns (Params memory) {
        return _params;
    }

    /// @notice The delay the timelock applies: what was stored, at most 30 days.
    function timelockDelay() public view returns (uint256) {
        uint256 stored = _params.timelockDelay;
        return stored > GovernanceBounds.MAX_TIMELOCK_DELAY ? GovernanceBounds.MAX_TIMELOCK_DELAY : stored;
    }

    /// @notice Applies an executed SETTER proposal (already known to be within bounds).
    function applySetter(Setter setter, uint256 value, uint16[CLASS_COUNT] memory values) external onlyWriter {
        Params storage p = _params;
        if (setter == Setter.VOTING_DELAY) p.votingDelay = value;
        else if (setter == Setter.VOTING_PERIOD) p.votingPeriod = value;
        else if (setter == Setter.THRESHOLD) p.threshold = value;
        else if (setter == Setter.EXTENSION) p.voteExtension = value;
        else if (setter == Setter.TOKEN_CAP) p.tokenCreditCap = value;
        else if (setter == Setter.TIMELOCK_DELAY) p.timelockDelay = value;
        else if (setter == Setter.WEIGHTS) p.weights = values;
        else if (setter == Setter.QUORUMS) p.quorums = values;
        else if (setter == Setter.BASE_CREDITS) _scheduleEpochRules(latestEpochRules().length, value);
        else _scheduleEpochRules(value, latestEpochRules().base);
    }

    function latestEpochRules() public view returns (EpochRules memory) {
        return _epochRules[_epochRules.length - 1];
    }

    /// @notice The rules in force at `timepoint`.
    function epochRulesAt(uint256 timepoint) public view returns (EpochRules memory) {
        uint256 i = _epochRules.length;
        while (_epochRules[i - 1].start > timepoint) --i;
        return _epochRules[i - 1];
    }

    /// @notice The epoch containing `timepoint`: its number, first second and base allotment.
    function epochOf(uint256 timepoint) public view returns (uint256 epoch, uint256 start, uint256 base) {
        EpochRules memory rules = epochRulesAt(timepoint);
        uint256 elapsed = (timepoint - rules.start) / rules.length;
        return (rules.firstEpoch + elapsed, rules.start + elapsed * rules.length, rules.base);
    }

    /// @dev A change applies from the next boundary of the rules in force; a change still
    /// pending is replaced.
    function _scheduleEpochRules(uint256 length, uint256 base) private {
        uint256 last = _epochRules.length - 1;
        bool pending = _epochRules[last].start > block.timestamp;
        EpochRules memory inForce = _epochRules[pending ? last - 1 : last];
        uint256 elapsed = (block.timestamp - inForce.start) / inForce.length;
        EpochRules memory next =
            EpochRules(inForce.start + (elapsed + 1) * inForce.length, inForce.firstEpoch + elapsed + 1, length, base);
        if (pending) _epochRules[last] = next;
        else _epochRules.push(next);
    }

    // -- credits -----------------------------------------------------------------------------

    /// @notice The voter's credit budget for the proposal whose snapshot is `snapshot`, under the
    /// current token credit cap: base + min(tokens at the epoch's start, tokens at the snapshot,
    /// cap), and 0 for an account that was not a member at the snapshot.
    function budget(address voter, uint256 snapshot) public view returns (uint256) {
        if (statusAt(voter, snapshot) == 0) return 0;
        (, uint256 start, uint256 base) = epochOf(snapshot);
        return base + _min(_min(tokensAt(voter, start), tokensAt(voter, snapshot)), _params.tokenCreditCap);
    }

    function spent(address voter, uint256 epoch) external view returns (uint256) {
        return _spent[voter][epoch];
    }

    /// @notice What is left of `budgetNow` after the epoch's spending, never below zero.
    function remaining(address voter, uint256 epoch, uint256 budgetNow) public view returns (uint256) {
        uint256 usable = _min(budgetNow, _SPENT_MAX);
        uint256 used = _spent[voter][epoch];
        return usable > used ? usable - used : 0;
    }

    /// @notice Every (voter, epoch) with votes, with what it spent and its largest budget.
    function spendings() external view returns (Spending[] memory all) {
        all = new Spending[](_spendingVoters.length);
        for (uint256 k = 0; k < all.length; ++k) {
            (address voter, uint256 epoch) = (_spendingVoters[k], _spendingEpochs[k]);
            all[k] = Spending(voter, epoch, _spent[voter][epoch], _maxBudget[voter][epoch]);
        }
    }

    /// @notice Of `accounts`, the one active at the proposal's snapshot, not yet voting on it,
    /// with the fewest credits left for it.
    function poorestEligible(uint256 index, address[] memory accounts)
        external
        view
        returns (bool found, address voter, uint256 least)
    {
        uint256 snapshot = _cores[index].snapshot;
        (uint256 epoch,,) = epochOf(snapshot);
        least = type(uint256).max;
        for (uint256 i = 0; i < accounts.length; ++i) {
            address who = accounts[i];
            if (statusAt(who, snapshot) == 0 || _voted[index][who]) continue;
            uint256 left = remaining(who, epoch, budget(who, snapshot));
            if (left < least) (found, voter, least) = (true, who, left);
        }
    }

    // -- proposals ---------------------------------------------------------------------------

    function addProposal(Core memory core_, Rules memory rules_, Effect memory effect_, Calls memory calls_)
        external
        onlyWriter
        returns (uint256 index)
    {
        index = _cores.length;
        _cores.push(core_);
        _rules[index] = rules_;
        _effects[index] = effect_;
        _calls[index] = calls_;
    }

    function proposalCount() external view returns (uint256) {
        return _cores.length;
    }

    function core(uint256 index) external view returns (Core memory) {
        return _cores[index];
    }

    function effect(uint256 index) external view returns (Effect memory) {
        return _effects[index];
    }

    function tally(uint256 index) external view returns (Tally memory) {
        return _tallies[index];
    }

    function calls(uint256 index) external view returns (Calls memory) {
        return _calls[index];
    }

    function look(uint256 index) external view returns (Look memory l) {
        l.core = _cores[index];
        l.rules = _rules[index];
        l.tally = _tallies[index];
        l.sizes = quorumSizes(index);
        l.deadline = deadline(index);
        if (l.core.executed || l.core.canceled || l.core.snapshot >= block.timestamp || l.deadline >= block.timestamp) {
            l.state = state(index);
        } else {
            l.state = _outcome(index, l.sizes);
        }
    }

    /// @notice The next moment a proposal moves on: the earliest opening (snapshot + 1) of a
    /// pending proposal, end (deadline + 1) of an active one that reached its quorum, or eta of
    /// a queued one still waiting; 0 if none is to come. (Votes short of their quorum are left
    /// open for more voters.)
    function nextEvent() external view returns (uint256 next) {
        for (uint256 i = 0; i < _cores.length; ++i) {
            IGovernor.ProposalState s = state(i);
            uint256 at;
            if (s == IGovernor.ProposalState.Pending) at = uint256(_cores[i].snapshot) + 1;
            else if (s == IGovernor.ProposalState.Active && quorumReached(i)) at = deadline(i) + 1;
            else if (s == IGovernor.ProposalState.Queued && _cores[i].eta > block.timestamp) at = _cores[i].eta;
            if (at != 0 && (next == 0 || at < next)) next = at;
        }
    }

    /// @notice The latest proposal that is active now, if any.
    function latestActive() external view returns (bool found, uint256 index) {
        for (uint256 i = _cores.length; i > 0; --i) {
            if (state(i - 1) == IGovernor.ProposalState.Active) return (true, i - 1);
        }
    }

    function voted(uint256 index, address voter) external view returns (bool) {
        return _voted[index][voter];
    }

    /// @notice The first proposal from `start` on (cyclically) in state `wanted`, else `start`.
    function find(uint256 start, IGovernor.ProposalState wanted) external view returns (uint256) {
        uint256 count = _cores.length;
        for (uint256 k = 0; k < count; ++k) {
            uint256 index = (start + k) % count;
            if (state(index) == wanted) return index;
        }
        return start;
    }

    /// @notice A counted vote: `votes` in the voter's class at the snapshot, `cost` charged to
    /// the snapshot's epoch out of `budget`.
    struct Ballot {
        address voter;
        uint256 classIndex;
        uint8 support;
        uint256 votes;
        bool colludes;
        uint256 cost;
        uint256 budget;
    }

    /// @notice Records a vote, charges its cost, and starts the late-quorum extension when the
    /// vote completes the quorum.
    function recordVote(uint256 index, Ballot memory b) external onlyWriter {
        Core storage p = _cores[index];
        _voted[index][b.voter] = true;
        Tally storage t = _tallies[index];
        if (b.support == 1) t.forVotes[b.classIndex] += b.votes;
        else if (b.support == 0) t.againstVotes[b.classIndex] += b.votes;
        else t.abstainVotes[b.classIndex] += b.votes;
        ++t.voters[b.classIndex];
        if (b.colludes) ++t.colluders[b.classIndex];
        else ++t.others;

        (uint256 epoch,,) = epochOf(p.snapshot);
        if (_maxBudget[b.voter][epoch] == 0) {
            _spendingVoters.push(b.voter);
            _spendingEpochs.push(epoch);
        }
        _spent[b.voter][epoch] += b.cost;
        if (b.budget > _maxBudget[b.voter][epoch]) _maxBudget[b.voter][epoch] = b.budget;

        if (p.extendedDeadline == 0 && quorumReached(index)) {
            p.extendedDeadline = uint48(block.timestamp + _params.voteExtension);
        }
    }

    function recordQueued(uint256 index, uint256 eta) external onlyWriter {
        _cores[index].eta = uint48(eta);
    }

    function recordExecuted(uint256 index) external onlyWriter {
        _cores[index].executed = true;
    }

    function recordCanceled(uint256 index, address caller) external onlyWriter {
        _cores[index].canceled = true;
        _cores[index].canceller = caller;
    }

    function recordProbe(uint256 index) external onlyWriter {
        _cores[index].probe = true;
    }

    // -- the rules ---------------------------------------------------------------------------

    /// @notice The class sizes a proposal's quorum counts: the classes at the snapshot, or for
    /// an expel-only proposal with relief, the classes a second before it was made less the
    /// members it named.
    function quorumSizes(uint256 index) public view returns (uint256[4] memory sizes) {
        Core storage p = _cores[index];
        uint256[4] storage excluded = _rules[index].excluded;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            if (!p.relief) {
                sizes[c] = classCountAt(c, p.snapshot);
            } else {
                uint256 size = classCountAt(c, p.created - 1);
                sizes[c] = size > excluded[c] ? size - excluded[c] : 0;
            }
        }
    }

    /// @notice Every class's voters reach its quorum share of its members.
    function quorumReached(uint256 index) public view returns (bool) {
        return _quorumReached(index, quorumSizes(index));
    }

    function deadline(uint256 index) public view returns (uint256) {
        Core storage p = _cores[index];
        return p.extendedDeadline > p.voteEnd ? p.extendedDeadline : p.voteEnd;
    }

    /// @notice The state the governor must report now.
    function state(uint256 index) public view returns (IGovernor.ProposalState) {
        Core storage p = _cores[index];
        if (p.executed) return IGovernor.ProposalState.Executed;
        if (p.canceled) return IGovernor.ProposalState.Canceled;
        if (p.snapshot >= block.timestamp) return IGovernor.ProposalState.Pending;
        if (deadline(index) >= block.timestamp) return IGovernor.ProposalState.Active;
        return _outcome(index, quorumSizes(index));
    }

    /// @dev The state of a proposal whose vote has ended.
    function _outcome(uint256 index, uint256[4] memory sizes) private view returns (IGovernor.ProposalState) {
        if (!_quorumReached(index, sizes) || !_voteSucceeded(index, sizes)) return IGovernor.ProposalState.Defeated;
        return _cores[index].eta == 0 ? IGovernor.ProposalState.Succeeded : IGovernor.ProposalState.Queued;
    }

    function _quorumReached(uint256 index, uint256[4] memory sizes) private view returns (bool) {
        uint16[CLASS_COUNT] storage quorums = _rules[index].quorums;
        uint256[4] storage voters = _tallies[index].voters;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            if (voters[c] * _BPS < sizes[c] * quorums[c]) return false;
        }
        return true;
    }

    /// @dev Σ w_c · F_c / D_c > ½ · Σ w_c over the classes that count, as
    /// 2 · Σ w_c · F_c · (Π D / D_c) > W · Π D (D_c = For + Against; classes with D_c = 0 keep
    /// their weight in W and add nothing).
    function _voteSucceeded(uint256 index, uint256[4] memory sizes) private view returns (bool) {
        uint16[CLASS_COUNT] storage weights = _rules[index].weights;
        Tally storage t = _tallies[index];
        uint256 totalWeight;
        uint256 product = 1;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            if (sizes[c] == 0 && t.voters[c] == 0) continue;
            totalWeight += weights[c];
            uint256 decided = t.forVotes[c] + t.againstVotes[c];
            if (decided != 0) product *= decided;
        }
        uint256 lhs;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            uint256 decided = t.forVotes[c] + t.againstVotes[c];
            if (decided == 0) continue;
            lhs += 2 * uint256(weights[c]) * t.forVotes[c] * (product / decided);
        }
        return lhs > totalWeight * product;
    }

    // -- histories ---------------------------------------------------------------------------

    function _push(Point[] storage history, uint256 value) private {
        uint256 n = history.length;
        if (n != 0 && history[n - 1].at == block.timestamp) history[n - 1].value = uint208(value);
        else history.push(Point(uint48(block.timestamp), uint208(value)));
    }

    /// @dev The value of the last point at or before `timepoint` (0 before the first), by
    /// binary search: points are in time order.
    function _lookup(Point[] storage history, uint256 timepoint) private view returns (uint256) {
        uint256 low = 0;
        uint256 high = history.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (history[mid].at <= timepoint) low = mid + 1;
            else high = mid;
        }
        return low == 0 ? 0 : history[low - 1].value;
    }

    function _latest(Point[] storage history) private view returns (uint256) {
        uint256 n = history.length;
        return n == 0 ? 0 : history[n - 1].value;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
