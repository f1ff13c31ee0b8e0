// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {GovernanceCast} from "../handlers/GovernanceCast.sol";
import {GovernanceFixture} from "../handlers/GovernanceFixture.sol";

/// @title GovernorFindings
/// @notice Two behaviours of the governor that contradicted its documentation, found while
/// writing the governance suite; both failed before GovernorVotesCoop was fixed and are kept as
/// regressions.
contract GovernorFindings is GovernanceFixture {
    function setUp() public {
        _deployGovernedCast();
    }

    /// @notice docs/governance.md ("Who may propose") and threat model 8c: the required
    /// `#proposer=` suffix makes a proposal its proposer's own, so that nobody can copy it,
    /// submit it first and cancel it. GovernorVotesCoop checks that the description ends with
    /// "#proposer=0x" and 40 characters, then defers to OpenZeppelin, which treats a suffix whose
    /// 40 characters are not hex digits as no suffix at all and lets anyone submit it. Such a
    /// description must be refused like a missing suffix; before the fix another member could
    /// submit the copy first and burn the proposal by cancelling it.
    function test_aSuffixThatNamesNobodyIsRefused() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _decoy();
        string memory description = "anyone's#proposer=0xzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
        address copier = GovernanceCast.account(3);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorRestrictedProposer.selector, copier));
        vm.prank(copier);
        coop.governor.propose(targets, values, calldatas, description);
    }

    /// @notice The suffix must be there, at the very end, and name the proposer: a long
    /// description without it, and one naming another address, are refused; the proposer's
    /// address in lower case is its own as much as in its checksummed form.
    function test_theSuffixMustNameTheProposer() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _decoy();
        address proposer = GovernanceCast.account(3);
        address other = GovernanceCast.account(4);
        string memory unsuffixed = "a description long enough to hold a suffix, yet holding none at all";
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorRestrictedProposer.selector, proposer));
        vm.prank(proposer);
        coop.governor.propose(targets, values, calldatas, unsuffixed);

        string memory othersName = GovernanceCast.describe("someone else's", other);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorRestrictedProposer.selector, proposer));
        vm.prank(proposer);
        coop.governor.propose(targets, values, calldatas, othersName);

        string memory lower = string.concat("mine#proposer=", _lowerHex(proposer));
        vm.prank(proposer);
        uint256 id = coop.governor.propose(targets, values, calldatas, lower);
        vm.assertEq(coop.governor.proposalProposer(id), proposer, "the lower-case suffix is the proposer's");
    }

    /// @notice ICoopGovernor.CoopGovernorBeforeFirstEpoch reports `firstEpochStart`, "the start
    /// of epoch 0 (the deployment)". Once epoch rules had changed, GovernorVotesCoop's lookup
    /// reported the latest rules' start instead: its binary search always ends with high == low,
    /// so `high == 0 ? rules : _pastEpochRules[0]` picked the latest rules whenever low == 0 (the
    /// `_pastEpochRules[0]` arm was dead code; `_pastEpochRules.length == 0` was meant, and is
    /// what the lookup now reads).
    function test_beforeTheFirstEpochNamesTheDeploymentAfterARuleChange() public {
        uint256 origin = block.timestamp - 1;
        _govern(address(coop.governor), abi.encodeCall(ICoopGovernor.setBaseCredits, (250)), "base 250");
        vm.warp(origin + 1 days);
        vm.expectRevert(abi.encodeWithSelector(ICoopGovernor.CoopGovernorBeforeFirstEpoch.selector, origin - 1, origin));
        coop.governor.epochAt(origin - 1);
    }

    function _lowerHex(address account) private pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory text = new bytes(42);
        text[0] = "0";
        text[1] = "x";
        uint160 value = uint160(account);
        for (uint256 i = 41; i > 1; --i) {
            text[i] = digits[value & 0xf];
            value >>= 4;
        }
        return string(text);
    }

    function _decoy() internal view returns (address[] memory, uint256[] memory, bytes[] memory) {
        return GovernanceCast.oneCall(address(coop.governor), abi.encodeCall(ICoopGovernor.tokenCreditCap, ()));
    }
}
