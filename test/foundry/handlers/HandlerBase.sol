// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {Errors} from "@openzeppelin/contracts/utils/Errors.sol";
import {ILumbungForwarder} from "../../../contracts/interfaces/ILumbungForwarder.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {Accumulator} from "../utils/Accumulator.sol";
import {Actors} from "../utils/Actors.sol";
import {Bounds} from "../utils/Bounds.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {Relay} from "../utils/Relay.sol";
import {Vm} from "../utils/Vm.sol";
import {CoopModel} from "./CoopModel.sol";

/// @title HandlerBase
/// @notice What every actor's handler shares: the cooperative, the model, the bounds, and one
/// way to make a call whose outcome the model predicted. A handler computes the custom error it
/// expects (or OK) from the model before calling; any other outcome reverts the handler, and
/// with `fail_on_revert` that fails the run with the facts.
abstract contract HandlerBase {
    /// @notice The handler expected this error and the call succeeded.
    error HandlerExpectedRevert(bytes4 expected);
    /// @notice The call reverted with another error than the expected one.
    error HandlerWrongRevert(bytes4 expected, bytes actual);
    /// @notice No actor of the cast has this address.
    error HandlerUnknownActor(address account);

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev The expected outcome "no revert".
    bytes4 internal constant OK = bytes4(0);
    uint256 internal constant POOL_COUNT = 3;
    /// @dev How far above a pool's maximum a fuzzed weight may go.
    uint256 internal constant WEIGHT_OVERSHOOT = 50;
    uint256 internal constant CURATION_EPOCH = 1 days;
    uint256 internal constant WORKER_STATUS = uint256(IMembership.StakeholderClass.WORKER) + 1;

    Cooperative internal coop;
    CoopModel internal immutable model;

    constructor(Cooperative memory coop_, CoopModel model_) {
        coop = coop_;
        model = model_;
    }

    /// @notice The actions the fuzzer may call on this handler.
    /// @return The selectors.
    function selectors() external pure virtual returns (bytes4[] memory);

    /// @dev Calls `target` as `sender` and checks the outcome against `expected`.
    function _call(address sender, address target, bytes memory data, bytes4 expected)
        internal
        returns (bytes memory ret)
    {
        bool ok;
        vm.prank(sender);
        (ok, ret) = target.call(data);
        if (expected == OK) {
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 32), mload(ret))
                }
            }
        } else {
            if (ok) revert HandlerExpectedRevert(expected);
            if (ret.length < 4 || bytes4(ret) != expected) revert HandlerWrongRevert(expected, ret);
        }
    }

    /// @dev Acts as the account of `key`: calls `target` directly, or when `relayed` signs the
    /// call as a ForwardRequest that the gas relayer sends through the forwarder. A relayed call
    /// the target refuses reverts with FailedCall (the forwarder keeps the reason), one over the
    /// signer's quota with the forwarder's error whatever the call; a relayed call returns no
    /// data. `done` is whether the call took effect.
    function _act(uint256 key, bool relayed, address target, bytes memory data, bytes4 expected)
        internal
        returns (bool done, bytes memory ret)
    {
        if (!relayed) return (expected == OK, _call(vm.addr(key), target, data, expected));
        return (_relay(key, target, data, expected), ret);
    }

    /// @dev Relays the call the account of `key` signs; whether it took effect.
    function _relay(uint256 key, address target, bytes memory data, bytes4 expected) private returns (bool) {
        address sender = vm.addr(key);
        (uint32 quota, uint32 period,) = coop.forwarder.relayLimits();
        uint256 periodStart = block.timestamp / period * period;
        if (model.relaysInPeriod(sender, periodStart) >= quota) {
            expected = ILumbungForwarder.LumbungForwarderQuotaExceeded.selector;
        } else if (expected != OK) {
            expected = Errors.FailedCall.selector;
        }
        _call(Actors.gasRelayer(), address(coop.forwarder), _executeCall(key, target, data), expected);
        if (expected != OK) return false;
        model.recordRelayed(sender, periodStart);
        return true;
    }

    function _executeCall(uint256 key, address target, bytes memory data) private view returns (bytes memory) {
        return abi.encodeCall(coop.forwarder.execute, (Relay.signed(coop.forwarder, key, target, data)));
    }

    /// @dev The payment of a claim: exactly `expected`, to the signer. A relayed claim (or a
    /// revocation) returns no data; the tokens must arrive all the same.
    function _checkPaid(address who, bytes memory ret, uint256 expected, uint256 before) internal {
        uint256 amount = coop.usd.balanceOf(who) - before;
        vm.assertEq(amount, expected, "claim: pays exactly what was claimable, to the signer");
        if (ret.length != 0) vm.assertEq(abi.decode(ret, (uint256)), amount, "claim: returns what it paid");
        model.recordPaidOut(amount);
    }

    /// @dev The key of a contributor of the cast, or of the outsider.
    function _keyOf(address account) internal pure returns (uint256) {
        for (uint256 i = 0; i < Actors.CONTRIBUTOR_COUNT; ++i) {
            if (Actors.contributor(i) == account) return Actors.contributorKey(i);
        }
        if (account == Actors.outsider()) return Actors.OUTSIDER_KEY;
        revert HandlerUnknownActor(account);
    }

    /// @dev The pool's revenue accumulator (scaled by 1e18) in the distributor, read from its
    /// storage: `_pots` is slot 5 (`forge inspect RevenueDistributor storageLayout`) and
    /// accPerUnit a Pot's first word. The model keeps each batch's books against it.
    function _poolAcc(uint256 poolId) internal view returns (uint256) {
        return Accumulator.read(address(coop.distributor), poolId);
    }

    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return Bounds.bound(x, lo, hi);
    }

    /// @dev A pool id that is sometimes unknown: 0 and POOL_COUNT + 1 name no pool.
    function _anyPoolId(uint256 seed) internal pure returns (uint256) {
        return bound(seed, 0, POOL_COUNT + 1);
    }

    function _knownPool(uint256 poolId) internal pure returns (bool) {
        return poolId != 0 && poolId <= POOL_COUNT;
    }

    /// @dev A curated or leaf weight for `poolId`: one time in eight above the pool's maximum,
    /// else from 0 (refused) to the maximum.
    function _fuzzWeight(uint256 seed, uint256 poolId) internal view returns (uint48) {
        uint256 maxWeight = model.poolMaxWeight(poolId);
        if (seed % 8 == 0) return uint48(bound(seed >> 3, maxWeight + 1, maxWeight + WEIGHT_OVERSHOOT));
        return uint48(bound(seed >> 3, 0, maxWeight));
    }

    function _curationEpoch() internal view returns (uint256) {
        return block.timestamp / CURATION_EPOCH;
    }
}
