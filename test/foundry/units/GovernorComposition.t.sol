// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {GovernanceBounds} from "../handlers/GovernanceBounds.sol";
import {GovernanceCast} from "../handlers/GovernanceCast.sol";
import {GovernanceFixture} from "../handlers/GovernanceFixture.sol";

/// @title GovernorComposition
/// @notice What CoopGovernor composes: the interfaces it declares, proposals that must be
/// queued and wait for the timelock, cancellation by the proposer alone while the proposal is
/// pending (a copy of its description is of no use to anyone else), and a setter out of bounds
/// whose execution reverts inside the timelock and leaves the proposal queued.
contract GovernorComposition is GovernanceFixture {
    uint256 internal constant PROPOSER = 0;
    uint256 internal constant OTHER = 3;

    function setUp() public {
        _deployGovernedCast();
    }

    function test_theGovernorDeclaresItsInterfaces() public view {
        vm.assertTrue(coop.governor.supportsInterface(type(ICoopGovernor).interfaceId), "ICoopGovernor");
        vm.assertTrue(coop.governor.supportsInterface(type(IGovernor).interfaceId), "IGovernor");
        vm.assertTrue(coop.governor.supportsInterface(type(IERC1155Receiver).interfaceId), "ERC-1155 receiver");
        vm.assertTrue(coop.governor.supportsInterface(type(IERC165).interfaceId), "ERC-165");
        vm.assertFalse(coop.governor.supportsInterface(0xffffffff), "not the invalid id");
    }

    /// @notice A passed proposal must be queued, and executes only from its eta on.
    function test_aPassedProposalWaitsInTheTimelock() public {
        (uint256 id, address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposeDecoy("wait");
        vm.assertTrue(coop.governor.proposalNeedsQueuing(id), "needs queuing");
        _passWithEveryHonestVote(id);
        bytes32 descriptionHash = keccak256(bytes(text));
        bytes32 operation = _operation(targets, values, calldatas, descriptionHash);
        vm.expectRevert(_notReady(operation));
        coop.governor.execute(targets, values, calldatas, descriptionHash);

        coop.governor.queue(targets, values, calldatas, descriptionHash);
        uint256 eta = block.timestamp + coop.timelock.getMinDelay();
        vm.assertEq(coop.governor.proposalEta(id), eta, "eta after the delay");
        vm.assertEq(uint256(coop.governor.state(id)), uint256(IGovernor.ProposalState.Queued), "queued");
        vm.warp(eta - 1);
        vm.expectRevert(_notReady(operation));
        coop.governor.execute(targets, values, calldatas, descriptionHash);
        vm.warp(eta);
        coop.governor.execute(targets, values, calldatas, descriptionHash);
        vm.assertEq(uint256(coop.governor.state(id)), uint256(IGovernor.ProposalState.Executed), "executed");
    }

    /// @notice The proposer cancels its pending proposal; then nobody can vote on it.
    function test_theProposerCancelsAPendingProposal() public {
        (uint256 id, address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposeDecoy("cancel");
        _expectEmit(address(coop.governor));
        emit IGovernor.ProposalCanceled(id);
        vm.prank(GovernanceCast.account(PROPOSER));
        vm.assertEq(coop.governor.cancel(targets, values, calldatas, keccak256(bytes(text))), id, "canceled");
        vm.assertEq(uint256(coop.governor.state(id)), uint256(IGovernor.ProposalState.Canceled), "state");
        vm.warp(coop.governor.proposalSnapshot(id) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                id,
                IGovernor.ProposalState.Canceled,
                bytes32(1 << uint8(IGovernor.ProposalState.Active))
            )
        );
        _vote(id, OTHER, 1, 1);
    }

    /// @notice Another member holding the very description can neither cancel the proposal nor
    /// submit it as its own; the proposer cannot cancel once voting has opened.
    function test_aCopiedDescriptionIsOfNoUse() public {
        (uint256 id, address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposeDecoy("mine");
        address other = GovernanceCast.account(OTHER);
        bytes32 descriptionHash = keccak256(bytes(text));
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, id, other));
        vm.prank(other);
        coop.governor.cancel(targets, values, calldatas, descriptionHash);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorRestrictedProposer.selector, other));
        vm.prank(other);
        coop.governor.propose(targets, values, calldatas, text);

        vm.warp(coop.governor.proposalSnapshot(id) + 1);
        address proposer = GovernanceCast.account(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, id, proposer));
        vm.prank(proposer);
        coop.governor.cancel(targets, values, calldatas, descriptionHash);
    }

    /// @notice A passed setter out of bounds reverts inside the timelock with the setter's error
    /// and stays queued; the setting keeps its value.
    function test_anOutOfBoundsSetterStaysQueued() public {
        uint256 tooLong = GovernanceBounds.MAX_VOTING_DELAY + 1;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) = _passAndQueue(
            address(coop.governor), abi.encodeCall(coop.governor.setVotingDelay, (uint48(tooLong))), "long"
        );
        uint256 id = coop.governor.hashProposal(targets, values, calldatas, descriptionHash);
        vm.expectRevert(GovernanceBounds.outOfBounds("votingDelay", tooLong, 0, GovernanceBounds.MAX_VOTING_DELAY));
        coop.governor.execute(targets, values, calldatas, descriptionHash);
        vm.assertEq(uint256(coop.governor.state(id)), uint256(IGovernor.ProposalState.Queued), "still queued");
        vm.assertEq(coop.governor.votingDelay(), 60, "the delay unchanged");
    }

    function _proposeDecoy(string memory text)
        internal
        returns (uint256, address[] memory, uint256[] memory, bytes[] memory, string memory)
    {
        return _proposeOne(PROPOSER, address(coop.governor), abi.encodeCall(ICoopGovernor.tokenCreditCap, ()), text);
    }

    function _operation(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 hash)
        internal
        view
        returns (bytes32)
    {
        bytes32 salt = bytes20(address(coop.governor)) ^ hash;
        return coop.timelock.hashOperationBatch(targets, values, calldatas, 0, salt);
    }

    function _notReady(bytes32 operation) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            TimelockController.TimelockUnexpectedOperationState.selector,
            operation,
            bytes32(1 << uint8(TimelockController.OperationState.Ready))
        );
    }
}
