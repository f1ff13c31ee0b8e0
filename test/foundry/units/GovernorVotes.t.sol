// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CoopGovernor} from "../../../contracts/governance/CoopGovernor.sol";
import {ICoopGovernor} from "../../../contracts/interfaces/ICoopGovernor.sol";
import {GovernanceBounds} from "../handlers/GovernanceBounds.sol";
import {GovernanceCast} from "../handlers/GovernanceCast.sol";
import {GovernanceFixture} from "../handlers/GovernanceFixture.sol";
import {CooperativeDeployer} from "../utils/CooperativeDeployer.sol";

/// @title GovernorVotes
/// @notice GovernorVotesCoop: the founding epoch rules are checked, the governor names its
/// register, token and clock, a non-member has no credits, and epoch rules change from the next
/// boundary on while every earlier timestamp keeps the epoch it had (the history of rules is
/// searched for it), with nothing before the first epoch.
contract GovernorVotes is GovernanceFixture {
    uint256 internal constant DAY = 1 days;
    uint256 internal constant BASE = 100;

    /// @dev The governor's deployment, where epoch 0 starts.
    uint256 internal origin;

    function setUp() public {
        origin = block.timestamp;
        _deployGovernedCast();
    }

    function test_foundingEpochRulesAreBounded() public {
        CoopGovernor.Config memory config = CooperativeDeployer.devGovernorConfig();
        config.epochLength = 0;
        _expectRefusedConfig(config, abi.encodeWithSelector(ICoopGovernor.CoopGovernorInvalidEpochLength.selector, 0));
        config.epochLength = uint32(GovernanceBounds.MAX_EPOCH_LENGTH + 1);
        _expectRefusedConfig(
            config,
            abi.encodeWithSelector(
                ICoopGovernor.CoopGovernorInvalidEpochLength.selector, GovernanceBounds.MAX_EPOCH_LENGTH + 1
            )
        );
        config = CooperativeDeployer.devGovernorConfig();
        config.baseCredits = 0;
        _expectRefusedConfig(
            config, GovernanceBounds.outOfBounds("baseCredits", 0, 1, GovernanceBounds.MAX_BASE_CREDITS)
        );
        config = CooperativeDeployer.devGovernorConfig();
        config.tokenCreditCap = GovernanceBounds.MAX_TOKEN_CAP + 1;
        _expectRefusedConfig(
            config,
            GovernanceBounds.outOfBounds(
                "tokenCreditCap", GovernanceBounds.MAX_TOKEN_CAP + 1, 0, GovernanceBounds.MAX_TOKEN_CAP
            )
        );
    }

    function test_theGovernorNamesItsRegisterTokenAndClock() public view {
        vm.assertEq(address(coop.governor.membership()), address(coop.membership), "membership");
        vm.assertEq(address(coop.governor.token()), address(coop.token), "token");
        vm.assertEq(coop.governor.clock(), block.timestamp, "a timestamp clock");
        vm.assertEq(keccak256(bytes(coop.governor.CLOCK_MODE())), keccak256("mode=timestamp"), "clock mode");
    }

    function test_aNonMemberHasNoCredits() public view {
        uint256 t = block.timestamp - 1;
        vm.assertEq(coop.governor.getVotes(GovernanceCast.account(GovernanceCast.FIRST_NEWCOMER), t), 0, "outsider");
        vm.assertEq(coop.governor.getVotes(GovernanceCast.account(1), t), BASE, "a member without tokens: the base");
    }

    /// @notice A new base allotment is scheduled from the next boundary; until then the rules in
    /// force are found in the history, and the epoch of now does not move.
    function test_epochRulesChangeFromTheNextBoundary() public {
        (uint256 from, uint256 firstEpoch, uint256 length, uint256 base) = coop.governor.scheduledEpochRules();
        vm.assertEq(from, origin, "founding rules from the deployment");
        vm.assertEq(firstEpoch, 0, "epoch 0");
        vm.assertEq(length, DAY, "a day");
        vm.assertEq(base, BASE, "100 credits");

        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash) =
            _passAndQueue(address(coop.governor), abi.encodeCall(ICoopGovernor.setBaseCredits, (250)), "base 250");
        _expectEmit(address(coop.governor));
        emit ICoopGovernor.EpochRulesScheduled(origin + DAY, 1, DAY, 250);
        coop.governor.execute(targets, values, calldatas, descriptionHash);

        (from, firstEpoch, length, base) = coop.governor.scheduledEpochRules();
        vm.assertEq(from, origin + DAY, "from the next boundary");
        vm.assertEq(firstEpoch, 1, "epoch 1");
        vm.assertEq(base, 250, "the new base");
        _assertEpochAt(block.timestamp, 0, origin, DAY, BASE); // the founding rules, from the history
        _assertEpochAt(origin + DAY, 1, origin + DAY, DAY, 250);
        _assertEpochAt(origin + 3 * DAY + 5, 3, origin + 3 * DAY, DAY, 250);
    }

    /// @notice With two superseded rules in the history, a lookup finds the one in force at each
    /// past timestamp; a change while another is pending replaces it at the same boundary.
    function test_theHistoryOfRulesIsSearched() public {
        _govern(address(coop.governor), abi.encodeCall(ICoopGovernor.setBaseCredits, (250)), "base 250");
        vm.warp(origin + DAY + 10);
        _govern(address(coop.governor), abi.encodeCall(ICoopGovernor.setEpochLength, (uint32(2 * DAY))), "two days");
        _govern(address(coop.governor), abi.encodeCall(ICoopGovernor.setBaseCredits, (300)), "base 300");

        (uint256 from, uint256 firstEpoch, uint256 length, uint256 base) = coop.governor.scheduledEpochRules();
        vm.assertEq(from, origin + 2 * DAY, "the pending change replaced, at the same boundary");
        vm.assertEq(firstEpoch, 2, "epoch 2");
        vm.assertEq(length, 2 * DAY, "two days, kept");
        vm.assertEq(base, 300, "300 credits");
        _assertEpochAt(origin + 5, 0, origin, DAY, BASE);
        _assertEpochAt(origin + DAY + 5, 1, origin + DAY, DAY, 250);
        _assertEpochAt(origin + 2 * DAY, 2, origin + 2 * DAY, 2 * DAY, 300);
        _assertEpochAt(origin + 4 * DAY + 1, 3, origin + 4 * DAY, 2 * DAY, 300);
    }

    /// @notice Before the deployment there is no epoch (see GovernorFindings for the same with a
    /// history of rules).
    function test_nothingBeforeTheFirstEpoch() public {
        vm.expectRevert(abi.encodeWithSelector(ICoopGovernor.CoopGovernorBeforeFirstEpoch.selector, origin - 1, origin));
        coop.governor.epochAt(origin - 1);
    }

    function _assertEpochAt(uint256 t, uint256 epoch, uint256 start, uint256 length, uint256 base) internal view {
        (uint256 e, uint256 s, uint256 l, uint256 b) = coop.governor.epochAt(t);
        vm.assertEq(e, epoch, "epoch number");
        vm.assertEq(s, start, "epoch start");
        vm.assertEq(l, length, "epoch length");
        vm.assertEq(b, base, "base credits");
    }

    function _expectRefusedConfig(CoopGovernor.Config memory config, bytes memory error) internal {
        vm.expectRevert(error);
        new CoopGovernor(coop.membership, coop.token, coop.timelock, config);
    }
}
