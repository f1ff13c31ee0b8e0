// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {CoopModel} from "../handlers/CoopModel.sol";
import {Actors} from "./Actors.sol";
import {Cooperative, CooperativeDeployer} from "./CooperativeDeployer.sol";
import {Relay} from "./Relay.sol";
import {Test} from "./Test.sol";

/// @title CooperativeFixture
/// @notice The ungoverned cooperative every suite starts from, with the test as admin: three
/// listed pools at odd prices, two PRODUCER members, two WORKER curators (the first also an
/// aggregator), the aggregator, registrar and settler roles, the settler's funds, and relay
/// limits tight enough for the handlers' relayed actions to meet the quota. The model records
/// the same bootstrap, so handlers and invariants start from agreement.
abstract contract CooperativeFixture is Test {
    uint256 internal constant PRECISION = 1e18;
    uint256 internal constant POOL_COUNT = 3;
    uint8 internal constant RESEARCH = 0;
    uint256 internal constant SETTLER_FUNDS = 1e30;
    /// @dev Relayed requests per signer and day: a fuzzing run's handful of relayed actions per
    /// actor meets it.
    uint32 internal constant RELAY_QUOTA = 6;
    uint32 internal constant RELAY_PERIOD = 1 days;
    /// @dev Odd prices make rounding dust on every sale (as the brownie stateful test).
    uint128[POOL_COUNT] internal prices = [uint128(7), 13_000_003, 999];

    Cooperative internal coop;
    CoopModel internal model;
    uint256 internal workPot;

    /// @dev Deploys and bootstraps the cooperative and its model.
    function _deployCooperative() internal {
        coop = CooperativeDeployer.deploy(Actors.treasury());
        model = new CoopModel();
        workPot = coop.distributor.WORK_POT();
        _bootstrap();
    }

    /// @dev Pools, listings, the first members and curators, the roles, the settler's funds.
    function _bootstrap() private {
        for (uint256 p = 1; p <= POOL_COUNT; ++p) {
            coop.registry.createPool(string.concat("pool ", vm.toString(p)), "");
            coop.market.setListing(p, prices[p - 1], uint64(1) << RESEARCH, true, "");
            model.setListing(p, CoopModel.ListingModel(prices[p - 1], uint64(1) << RESEARCH, true));
        }
        for (uint256 i = 0; i < 2; ++i) {
            _admit(Actors.member(i), IMembership.StakeholderClass.PRODUCER);
        }
        for (uint256 i = 0; i < Actors.CURATOR_COUNT; ++i) {
            _admit(Actors.curator(i), IMembership.StakeholderClass.WORKER);
            coop.registry.grantRole(coop.registry.CURATOR_ROLE(), Actors.curator(i));
        }
        coop.registry.grantRole(coop.registry.AGGREGATOR_ROLE(), Actors.aggregator());
        coop.registry.grantRole(coop.registry.AGGREGATOR_ROLE(), Actors.curator(0));
        coop.membership.grantRole(coop.membership.REGISTRAR_ROLE(), Actors.registrar());
        coop.market.grantRole(coop.market.SETTLER_ROLE(), Actors.settler());
        coop.forwarder.setRelayLimits(RELAY_QUOTA, RELAY_PERIOD, uint64(Relay.GAS));
        coop.usd.mint(Actors.settler(), SETTLER_FUNDS);
        model.recordMinted(Actors.settler(), SETTLER_FUNDS);
        vm.prank(Actors.settler());
        coop.usd.approve(address(coop.market), type(uint256).max);
    }

    function _admit(address who, IMembership.StakeholderClass stakeholderClass) internal {
        coop.membership.admit(who, stakeholderClass);
        model.recordJoined(who, uint256(stakeholderClass), 0, false);
    }
}
