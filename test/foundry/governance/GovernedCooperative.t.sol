// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative, CooperativeDeployer} from "../utils/CooperativeDeployer.sol";
import {Test} from "../utils/Test.sol";

/// @title GovernedCooperative
/// @notice The governed deployment (CoopGovernor + TimelockController, admin handed over):
/// the deployer keeps no role, a member's proposal passes the stakeholder-weighted tally and
/// executes through the timelock, and quadratic votes cost n² of the epoch's credits. The
/// starting point for governance handlers (voters, proposers) in the next phase.
contract GovernedCooperative is Test {
    uint8 private constant _FOR = 1;
    uint256 private constant _BASE_CREDITS = 100;

    Cooperative internal coop;

    function setUp() public {
        coop = CooperativeDeployer.deployGoverned(CooperativeDeployer.devGovernorConfig());
        for (uint256 i = 0; i < 2; ++i) {
            coop.membership.admit(Actors.member(i), IMembership.StakeholderClass.PRODUCER);
            coop.membership.admit(Actors.curator(i), IMembership.StakeholderClass.WORKER);
        }
        CooperativeDeployer.handover(coop);
        vm.warp(block.timestamp + 1);
    }

    function test_deployerKeepsNoRole() public view {
        IAccessControl[6] memory governed = CooperativeDeployer.accessControlled(coop);
        for (uint256 i = 0; i < governed.length; ++i) {
            vm.assertFalse(governed[i].hasRole(bytes32(0), address(this)), "deployer is not admin");
            vm.assertTrue(governed[i].hasRole(bytes32(0), address(coop.timelock)), "the timelock is admin");
        }
        vm.assertFalse(coop.timelock.hasRole(bytes32(0), address(this)), "nor of the timelock");
        vm.assertEq(coop.distributor.treasury(), address(coop.timelock), "the timelock is the treasury");
    }

    /// @notice A proposal to change the split passes with one vote per class and executes.
    function test_proposalExecutesThroughTheTimelock() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _splitProposal(Actors.member(0), 6_000, 3_000, 1_000);
        vm.prank(Actors.member(0));
        uint256 proposalId = coop.governor.propose(targets, values, calldatas, description);
        vm.warp(coop.governor.proposalSnapshot(proposalId) + 1);
        vm.prank(Actors.member(0));
        coop.governor.castVote(proposalId, _FOR);
        vm.prank(Actors.curator(0));
        coop.governor.castVote(proposalId, _FOR);
        vm.warp(coop.governor.proposalDeadline(proposalId) + 1);
        vm.assertEq(uint256(coop.governor.state(proposalId)), uint256(IGovernor.ProposalState.Succeeded), "passed");

        bytes32 descriptionHash = keccak256(bytes(description));
        coop.governor.queue(targets, values, calldatas, descriptionHash);
        vm.warp(block.timestamp + CooperativeDeployer.TIMELOCK_DELAY + 1);
        coop.governor.execute(targets, values, calldatas, descriptionHash);
        (uint16 contributors, uint16 workers, uint16 reserve) = coop.distributor.split();
        vm.assertEq(contributors, 6_000, "contributors");
        vm.assertEq(workers, 3_000, "workers");
        vm.assertEq(reserve, 1_000, "reserve");
    }

    /// @notice n votes cost n² credits; a member without tokens has the base allotment only.
    function testFuzz_quadraticVotesCostTheirSquare(uint256 votesSeed) public {
        uint256 votes = bound(votesSeed, 1, 20);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description) =
            _splitProposal(Actors.member(1), 7_000, 2_000, 1_000);
        vm.prank(Actors.member(1));
        uint256 proposalId = coop.governor.propose(targets, values, calldatas, description);
        vm.warp(coop.governor.proposalSnapshot(proposalId) + 1);
        uint256 cost = votes * votes;
        if (cost > _BASE_CREDITS) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICoopGovernor.CoopGovernorInsufficientCredits.selector, Actors.member(1), 0, cost, _BASE_CREDITS
                )
            );
        }
        vm.prank(Actors.member(1));
        coop.governor.castVoteWithReasonAndParams(proposalId, _FOR, "", abi.encode(votes));
        vm.assertEq(coop.governor.creditsSpent(Actors.member(1), 0), cost > _BASE_CREDITS ? 0 : cost, "credits spent");
    }

    function _splitProposal(address proposer, uint16 contributors, uint16 workers, uint16 reserve)
        private
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description)
    {
        targets = new address[](1);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        targets[0] = address(coop.distributor);
        calldatas[0] = abi.encodeCall(coop.distributor.setSplit, (contributors, workers, reserve));
        description = string.concat(
            "split ", vm.toString(contributors), "/", vm.toString(workers), "#proposer=", vm.toString(proposer)
        );
    }
}
