// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {CoopGovernor} from "../../../contracts/governance/CoopGovernor.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {Cooperative, CooperativeDeployer} from "../utils/CooperativeDeployer.sol";
import {Test} from "../utils/Test.sol";
import {GovernanceCast} from "./GovernanceCast.sol";
import {GovernanceModel} from "./GovernanceModel.sol";

/// @title GovernanceFixture
/// @notice The governed cooperative (development settings, admin handed over to the timelock)
/// with GovernanceCast's founders admitted, its registrar appointed (two vouchers per class and
/// day), a pool where holders earn tokens (maximum weight 1 000) and the first curator
/// candidate holding CURATOR_ROLE; the model records the same founding, in the same second.
/// Plus the steps of a proposal's life for tests that walk one through.
abstract contract GovernanceFixture is Test {
    uint8 internal constant AGAINST = GovernanceCast.AGAINST;
    uint8 internal constant FOR = GovernanceCast.FOR;
    uint8 internal constant ABSTAIN = GovernanceCast.ABSTAIN;

    Cooperative internal coop;
    GovernanceModel internal model;

    function _deployGovernedCast() internal {
        CoopGovernor.Config memory config = CooperativeDeployer.devGovernorConfig();
        coop = CooperativeDeployer.deployGoverned(config);
        GovernanceModel.Params memory params = GovernanceModel.Params({
            votingDelay: config.votingDelay,
            votingPeriod: config.votingPeriod,
            threshold: config.proposalThreshold,
            voteExtension: config.voteExtension,
            tokenCreditCap: config.tokenCreditCap,
            timelockDelay: CooperativeDeployer.TIMELOCK_DELAY,
            weights: config.classWeights,
            quorums: config.classQuorums
        });
        model = new GovernanceModel(params, config.epochLength, config.baseCredits);
        for (uint256 i = 0; i < GovernanceCast.COUNT; ++i) {
            (bool founder, IMembership.StakeholderClass stakeholderClass) = GovernanceCast.foundingClass(i);
            if (!founder) continue;
            coop.membership.admit(GovernanceCast.account(i), stakeholderClass);
            model.recordStatus(GovernanceCast.account(i), uint256(stakeholderClass) + 1);
        }
        uint32 limit = GovernanceCast.VOUCHERS_PER_DAY;
        coop.membership.grantRole(coop.membership.REGISTRAR_ROLE(), GovernanceCast.registrar());
        coop.membership.setVoucherLimits([limit, limit, limit, limit]);
        coop.registry.createPool("governance", "");
        coop.registry.setPoolMaxWeight(GovernanceCast.POOL_ID, GovernanceCast.POOL_MAX_WEIGHT);
        address curator = GovernanceCast.account(GovernanceCast.curator(0));
        coop.registry.grantRole(coop.registry.CURATOR_ROLE(), curator);
        model.setCurator(curator, true);
        CooperativeDeployer.handover(coop);
        vm.warp(block.timestamp + 1);
    }

    // -- a proposal's life ---------------------------------------------------------------------

    /// @dev `text` proposed by cast member `who` as the one call `data` on `target`.
    function _proposeOne(uint256 who, address target, bytes memory data, string memory text)
        internal
        returns (
            uint256 id,
            address[] memory targets,
            uint256[] memory values,
            bytes[] memory calldatas,
            string memory description
        )
    {
        (targets, values, calldatas) = GovernanceCast.oneCall(target, data);
        description = GovernanceCast.describe(text, GovernanceCast.account(who));
        vm.prank(GovernanceCast.account(who));
        id = coop.governor.propose(targets, values, calldatas, description);
    }

    /// @dev Casts `votes` votes as cast member `who`.
    function _vote(uint256 id, uint256 who, uint8 support, uint256 votes) internal {
        vm.prank(GovernanceCast.account(who));
        coop.governor.castVoteWithReasonAndParams(id, support, "", abi.encode(votes));
    }

    /// @dev Passes `data` on `target` (every honest founder votes For once) and executes it.
    function _govern(address target, bytes memory data, string memory text) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) =
            _passAndQueue(target, data, text);
        coop.governor.execute(targets, values, calldatas, descriptionHash);
    }

    /// @dev Passes `data` on `target`, queues it and waits for its eta.
    function _passAndQueue(address target, bytes memory data, string memory text)
        internal
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash)
    {
        uint256 id;
        string memory description;
        (id, targets, values, calldatas, description) = _proposeOne(0, target, data, text);
        _passWithEveryHonestVote(id);
        descriptionHash = keccak256(bytes(description));
        coop.governor.queue(targets, values, calldatas, descriptionHash);
        vm.warp(block.timestamp + coop.timelock.getMinDelay());
    }

    /// @dev The next call must emit the event emitted next (every topic and the data checked).
    function _expectEmit(address emitter) internal {
        _cheat(abi.encodeWithSignature("expectEmit(bool,bool,bool,bool,address)", true, true, true, true, emitter));
    }

    /// @dev Calls to `callee` whose calldata starts with `data` return `returned`.
    function _mockCall(address callee, bytes memory data, bytes memory returned) internal {
        _cheat(abi.encodeWithSignature("mockCall(address,bytes,bytes)", callee, data, returned));
    }

    /// @dev A cheatcode that utils/Vm.sol does not declare.
    function _cheat(bytes memory call) private {
        (bool ok,) = address(vm).call(call);
        vm.assertTrue(ok, "cheatcode");
    }

    /// @dev Opens the proposal, has every honest founder who was a member then vote For once,
    /// and ends the vote.
    function _passWithEveryHonestVote(uint256 id) internal {
        vm.warp(coop.governor.proposalSnapshot(id) + 1);
        for (uint256 i = 0; i < GovernanceCast.HONEST_COUNT; ++i) {
            if (coop.membership.isMember(GovernanceCast.account(i))) _vote(id, i, FOR, 1);
        }
        vm.warp(coop.governor.proposalDeadline(id) + 1);
        vm.assertEq(uint256(coop.governor.state(id)), uint256(IGovernor.ProposalState.Succeeded), "passed");
    }
}
