// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ContributionRegistry} from "../../../contracts/ContributionRegistry.sol";
import {ContributionToken} from "../../../contracts/ContributionToken.sol";
import {DataMarket} from "../../../contracts/DataMarket.sol";
import {LumbungForwarder} from "../../../contracts/LumbungForwarder.sol";
import {Membership} from "../../../contracts/Membership.sol";
import {RevenueDistributor} from "../../../contracts/RevenueDistributor.sol";
import {CoopGovernor} from "../../../contracts/governance/CoopGovernor.sol";
import {CoopTimelock} from "../../../contracts/governance/CoopTimelock.sol";
import {TestStablecoin} from "../../../contracts/test/TestStablecoin.sol";

/// @notice Every contract of one cooperative; the governor and timelock are zero when ungoverned.
struct Cooperative {
    LumbungForwarder forwarder;
    TestStablecoin usd;
    Membership membership;
    ContributionToken token;
    RevenueDistributor distributor;
    DataMarket market;
    ContributionRegistry registry;
    CoopGovernor governor;
    CoopTimelock timelock;
}

/// @title CooperativeDeployer
/// @notice Deploys and wires a cooperative as scripts/deploy.py's `deploy_all` does, from the
/// calling test contract, which stays admin of everything until `handover`.
library CooperativeDeployer {
    /// @notice The initial split of scripts/deploy.py (DEFAULT_SPLIT), in basis points.
    uint16 internal constant CONTRIBUTORS_BPS = 7_000;
    uint16 internal constant WORKERS_BPS = 2_000;
    uint16 internal constant RESERVE_BPS = 1_000;
    /// @notice scripts/governance.py's DEV_TIMELOCK_DELAY, in seconds.
    uint256 internal constant TIMELOCK_DELAY = 120;

    /// @notice The ungoverned cooperative: the caller is admin and the reserve's treasury is
    /// `treasury`. The forwarder comes first: the registry, the distributor and the membership
    /// register trust it from construction. Roles wired: distributor DEPOSITOR_ROLE to the market and UNITS_ROLE to the
    /// registry, token MINTER_ROLE to the registry.
    /// @param treasury Receives the released reserve.
    /// @return coop The contracts.
    function deploy(address treasury) internal returns (Cooperative memory coop) {
        address admin = address(this);
        coop.forwarder = new LumbungForwarder(admin);
        address forwarder = address(coop.forwarder);
        coop.usd = new TestStablecoin();
        coop.membership = new Membership(admin, forwarder);
        coop.token = new ContributionToken(admin);
        coop.distributor =
            new RevenueDistributor(admin, coop.usd, treasury, CONTRIBUTORS_BPS, WORKERS_BPS, RESERVE_BPS, forwarder);
        coop.market = new DataMarket(admin, coop.usd, coop.distributor);
        coop.registry = new ContributionRegistry(admin, coop.membership, coop.token, coop.distributor, forwarder);
        coop.distributor.grantRole(coop.distributor.DEPOSITOR_ROLE(), address(coop.market));
        coop.distributor.grantRole(coop.distributor.UNITS_ROLE(), address(coop.registry));
        coop.token.grantRole(coop.token.MINTER_ROLE(), address(coop.registry));
    }

    /// @notice The governed cooperative before handover: as `deploy`, plus a CoopTimelock
    /// (anyone executes, the governor alone proposes and cancels, it administers itself) and the
    /// CoopGovernor, with the timelock as treasury. Bootstrap, then call `handover`.
    /// @param config The governor's initial parameters.
    /// @return coop The contracts.
    function deployGoverned(CoopGovernor.Config memory config) internal returns (Cooperative memory coop) {
        coop = deploy(address(this));
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1);
        coop.timelock = new CoopTimelock(TIMELOCK_DELAY, none, anyone, address(this));
        coop.governor = new CoopGovernor(coop.membership, coop.token, coop.timelock, config);
        coop.timelock.grantRole(coop.timelock.PROPOSER_ROLE(), address(coop.governor));
        coop.timelock.grantRole(coop.timelock.CANCELLER_ROLE(), address(coop.governor));
        coop.timelock.renounceRole(coop.timelock.DEFAULT_ADMIN_ROLE(), address(this));
        coop.distributor.setTreasury(address(coop.timelock));
    }

    /// @notice scripts/governance.py's GovernorParams defaults (a development chain's minutes).
    /// @return config The parameters.
    function devGovernorConfig() internal pure returns (CoopGovernor.Config memory config) {
        config.votingDelay = 60;
        config.votingPeriod = 600;
        config.proposalThreshold = 0;
        config.voteExtension = 120;
        config.epochLength = 86_400;
        config.baseCredits = 100;
        config.classWeights = [uint16(2_500), 2_500, 2_500, 2_500];
        config.classQuorums = [uint16(2_000), 2_000, 2_000, 2_000];
        config.tokenCreditCap = 100;
    }

    /// @notice Every contract whose setters sit behind AccessControl (the timelock aside), as
    /// scripts/deploy.py's `access_controlled`.
    /// @param coop The cooperative.
    /// @return The contracts.
    function accessControlled(Cooperative memory coop) internal pure returns (IAccessControl[6] memory) {
        return [
            IAccessControl(address(coop.forwarder)),
            IAccessControl(address(coop.membership)),
            IAccessControl(address(coop.token)),
            IAccessControl(address(coop.distributor)),
            IAccessControl(address(coop.market)),
            IAccessControl(address(coop.registry))
        ];
    }

    /// @notice Leaves every admin role with the timelock and no role with the caller, as
    /// scripts/deploy.py's `handover`.
    /// @param coop A governed cooperative.
    function handover(Cooperative memory coop) internal {
        address timelock = address(coop.timelock);
        bytes32[] memory roles = new bytes32[](7);
        roles[0] = coop.membership.REGISTRAR_ROLE();
        roles[1] = coop.token.MINTER_ROLE();
        roles[2] = coop.distributor.DEPOSITOR_ROLE();
        roles[3] = coop.distributor.UNITS_ROLE();
        roles[4] = coop.market.SETTLER_ROLE();
        roles[5] = coop.registry.CURATOR_ROLE();
        roles[6] = coop.registry.AGGREGATOR_ROLE();
        IAccessControl[6] memory governed = accessControlled(coop);
        for (uint256 i = 0; i < governed.length; ++i) {
            governed[i].grantRole(bytes32(0), timelock);
            for (uint256 j = 0; j < roles.length; ++j) {
                if (governed[i].hasRole(roles[j], address(this))) governed[i].renounceRole(roles[j], address(this));
            }
            governed[i].renounceRole(bytes32(0), address(this));
        }
    }
}
