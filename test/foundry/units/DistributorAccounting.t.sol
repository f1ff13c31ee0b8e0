// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {RevenueDistributor} from "../../../contracts/RevenueDistributor.sol";
import {IRevenueDistributor} from "../../../contracts/interfaces/IRevenueDistributor.sol";
import {TestStablecoin} from "../../../contracts/test/TestStablecoin.sol";
import {Actors} from "../utils/Actors.sol";
import {Test} from "../utils/Test.sol";

/// @dev The cheatcode this suite needs beyond utils/Vm.sol's (dispatched by selector).
interface DistributorAccountingVm {
    function expectEmit(address emitter) external;
}

/// @title DistributorAccounting
/// @notice The revenue distributor to the wei, with the test as market and registry: a
/// deposit splits by the governed shares and sends what no unit can take to the reserve; units
/// added or removed settle what they earned first; sub-wei earnings stay with their account;
/// the reserve goes to the treasury once; and every wei deposited is claimed, claimable or in
/// the reserve.
contract DistributorAccounting is Test {
    uint256 private constant _PRECISION = 1e18;
    uint256 private constant _POOL = 1;
    uint16 private constant _CONTRIBUTORS_BPS = 7_000;
    uint16 private constant _WORKERS_BPS = 2_000;
    uint16 private constant _RESERVE_BPS = 1_000;
    /// @dev 4e18 / 3 per unit: a sale of 7 to three units leaves 1e-18 wei of dust.
    uint256 private constant _ACC_OF_4_OVER_3 = 1_333_333_333_333_333_333;

    DistributorAccountingVm private constant _cheats =
        DistributorAccountingVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    TestStablecoin private usd;
    RevenueDistributor private distributor;
    uint256 private workPot;
    address private treasury = Actors.treasury();
    address private alice = Actors.member(0);
    address private bob = Actors.member(1);
    address private curator = Actors.curator(0);

    function setUp() public {
        usd = new TestStablecoin();
        distributor = new RevenueDistributor(
            address(this), usd, treasury, _CONTRIBUTORS_BPS, _WORKERS_BPS, _RESERVE_BPS, address(0)
        );
        distributor.grantRole(distributor.DEPOSITOR_ROLE(), address(this));
        distributor.grantRole(distributor.UNITS_ROLE(), address(this));
        workPot = distributor.WORK_POT();
    }

    // -- deposits ------------------------------------------------------------------------------

    /// @notice 7 wei to three units and an empty work pot: 4 to the contributors (1e-18 wei of
    /// dust), the workers' 1 and the 2 of the reserve share to the reserve, which keeps the dust.
    function test_depositSendsWhatNoUnitTakesToTheReserve() public {
        distributor.addUnits(_POOL, alice, 3);
        usd.mint(address(distributor), 7);
        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.RevenueDeposited(_POOL, 7, 4, 0, 3);
        distributor.deposit(_POOL, 7);

        vm.assertEq(distributor.earnedScaled(_POOL, alice), 3 * _ACC_OF_4_OVER_3, "alice's scaled earnings");
        vm.assertEq(distributor.claimable(_POOL, alice), 3, "alice's whole wei");
        (uint256 deposited, uint256 claimed, uint256 reserveAccrued, uint256 reserveReleased) = distributor.totals();
        vm.assertEq(deposited, 7, "deposited");
        vm.assertEq(claimed, 0, "claimed");
        vm.assertEq(reserveAccrued, 3, "reserve");
        vm.assertEq(reserveReleased, 0, "released");
        vm.assertEq(distributor.reserveRemainder(), 1, "the dust, scaled");
        _assertConserved();
    }

    /// @notice A deposit too small for any share to reach a whole wei leaves the accumulators
    /// alone and reserves it all.
    function test_depositBelowEveryShareIsReserved() public {
        distributor.addUnits(_POOL, alice, 3);
        distributor.addUnits(workPot, curator, 1);
        usd.mint(address(distributor), 1);
        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.RevenueDeposited(_POOL, 1, 0, 0, 1);
        distributor.deposit(_POOL, 1);

        vm.assertEq(distributor.earnedScaled(_POOL, alice), 0, "contributors: nothing");
        vm.assertEq(distributor.earnedScaled(workPot, curator), 0, "workers: nothing");
        (,, uint256 reserveAccrued,) = distributor.totals();
        vm.assertEq(reserveAccrued, 1, "all reserved");
        vm.assertEq(distributor.reserveRemainder(), 0, "no dust");
    }

    // -- units ---------------------------------------------------------------------------------

    /// @notice Units added after a sale earn nothing from it, and the sale's earnings of units
    /// already held are settled, not diluted.
    function test_addedUnitsEarnFromLaterSalesOnly() public {
        distributor.addUnits(_POOL, alice, 3);
        _deposit(_POOL, 7);
        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.UnitsChanged(_POOL, bob, 2, 5);
        distributor.addUnits(_POOL, bob, 2);
        distributor.addUnits(_POOL, alice, 1);
        vm.assertEq(distributor.earnedScaled(_POOL, bob), 0, "bob came after the sale");
        vm.assertEq(distributor.earnedScaled(_POOL, alice), 3 * _ACC_OF_4_OVER_3, "alice's earnings settled");

        // 10 wei: 7 to six units, 7e18 / 6 per unit with 4e-18 wei of dust.
        _deposit(_POOL, 10);
        uint256 perUnit = 7 * _PRECISION / 6;
        vm.assertEq(distributor.earnedScaled(_POOL, bob), 2 * perUnit, "bob: two units");
        vm.assertEq(distributor.earnedScaled(_POOL, alice), 3 * _ACC_OF_4_OVER_3 + 4 * perUnit, "alice: four units");
        vm.assertEq(distributor.unitsOf(_POOL, alice), 4, "alice's units");
        vm.assertEq(distributor.totalUnits(_POOL), 6, "pool's units");
        _assertConserved();
    }

    function test_removedUnitsKeepWhatTheyEarned() public {
        distributor.addUnits(_POOL, alice, 3);
        _deposit(_POOL, 7);
        vm.expectRevert(
            abi.encodeWithSelector(IRevenueDistributor.RevenueDistributorInsufficientUnits.selector, _POOL, alice, 3, 4)
        );
        distributor.removeUnits(_POOL, alice, 4);

        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.UnitsChanged(_POOL, alice, 0, 0);
        distributor.removeUnits(_POOL, alice, 3);
        vm.assertEq(distributor.earnedScaled(_POOL, alice), 3 * _ACC_OF_4_OVER_3, "earned before removal");

        // With no unit left, the contributors' share of the next sale is reserved.
        _deposit(_POOL, 10);
        vm.assertEq(distributor.earnedScaled(_POOL, alice), 3 * _ACC_OF_4_OVER_3, "nothing after removal");
        (,, uint256 reserveAccrued,) = distributor.totals();
        vm.assertEq(reserveAccrued, 3 + 10, "the second sale reserved whole");
        vm.assertEq(distributor.claim(_POOL), 0, "the test itself earned nothing");
        vm.prank(alice);
        vm.assertEq(distributor.claim(_POOL), 3, "alice claims what she earned");
        _assertConserved();
    }

    // -- claims --------------------------------------------------------------------------------

    /// @notice A claim pays whole wei; the sub-wei rest stays with the account and adds up.
    function test_claimPaysWholeWeiAndKeepsTheRest() public {
        distributor.addUnits(_POOL, alice, 3);
        _deposit(_POOL, 7);

        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.RevenueClaimed(_POOL, alice, 3);
        vm.prank(alice);
        vm.assertEq(distributor.claim(_POOL), 3, "three whole wei");
        vm.assertEq(usd.balanceOf(alice), 3, "paid");
        vm.assertEq(distributor.earnedScaled(_POOL, alice), 3 * _ACC_OF_4_OVER_3 - 3 * _PRECISION, "the rest kept");

        vm.prank(alice);
        vm.assertEq(distributor.claim(_POOL), 0, "nothing more");
        vm.assertEq(usd.balanceOf(alice), 3, "nothing more paid");

        // The kept 0.999...9 wei and the next sale's 3.999...9 make four whole wei.
        _deposit(_POOL, 7);
        vm.prank(alice);
        vm.assertEq(distributor.claim(_POOL), 4, "the rest counted");
        (, uint256 claimed,,) = distributor.totals();
        vm.assertEq(claimed, 7, "claimed in all");
        _assertConserved();
    }

    function test_claimManyPaysEveryPotInOneTransfer() public {
        distributor.addUnits(_POOL, alice, 1);
        distributor.addUnits(2, alice, 1);
        distributor.addUnits(workPot, alice, 1);
        _deposit(_POOL, 100); // 70 to pool 1, 20 to the workers
        _deposit(2, 10); // 7 to pool 2, 2 to the workers
        uint256[] memory pots = new uint256[](4);
        (pots[0], pots[1], pots[2], pots[3]) = (_POOL, 2, workPot, 3);

        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.RevenueClaimed(_POOL, alice, 70);
        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.RevenueClaimed(2, alice, 7);
        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.RevenueClaimed(workPot, alice, 22);
        vm.prank(alice);
        vm.assertEq(distributor.claimMany(pots), 99, "every pot");
        vm.assertEq(usd.balanceOf(alice), 99, "paid");
        vm.assertEq(usd.balanceOf(address(distributor)), 11, "the reserve stays");

        vm.prank(alice);
        vm.assertEq(distributor.claimMany(pots), 0, "nothing twice");
        vm.assertEq(usd.balanceOf(alice), 99, "nothing more paid");
    }

    // -- the reserve ---------------------------------------------------------------------------

    function test_reserveIsReleasedToTheTreasuryOnce() public {
        distributor.addUnits(_POOL, alice, 3);
        _deposit(_POOL, 7);

        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.ReserveReleased(treasury, 3);
        vm.prank(bob); // anyone may release it
        vm.assertEq(distributor.releaseReserve(), 3, "released");
        vm.assertEq(usd.balanceOf(treasury), 3, "the treasury holds it");
        (,, uint256 reserveAccrued, uint256 reserveReleased) = distributor.totals();
        vm.assertEq(reserveAccrued, 0, "nothing accrued");
        vm.assertEq(reserveReleased, 3, "released in all");
        vm.assertEq(distributor.reserveRemainder(), 1, "the dust stays");

        vm.assertEq(distributor.releaseReserve(), 0, "nothing twice");
        vm.assertEq(usd.balanceOf(treasury), 3, "nothing more paid");
        _assertConserved();
    }

    function test_treasuryIsGovernedAndNeverZero() public {
        address successor = Actors.outsider();
        vm.expectRevert(IRevenueDistributor.RevenueDistributorZeroTreasury.selector);
        distributor.setTreasury(address(0));
        vm.expectRevert(IRevenueDistributor.RevenueDistributorZeroTreasury.selector);
        new RevenueDistributor(
            address(this), usd, address(0), _CONTRIBUTORS_BPS, _WORKERS_BPS, _RESERVE_BPS, address(0)
        );

        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.TreasuryChanged(successor);
        distributor.setTreasury(successor);
        vm.assertEq(distributor.treasury(), successor, "treasury");
        _deposit(_POOL, 10);
        distributor.releaseReserve();
        vm.assertEq(usd.balanceOf(successor), 10, "the successor receives the reserve");
        vm.assertEq(usd.balanceOf(treasury), 0, "the former treasury nothing");
    }

    // -- the split -----------------------------------------------------------------------------

    function test_splitIsGovernedWithinItsBounds() public {
        _cheats.expectEmit(address(distributor));
        emit IRevenueDistributor.SplitChanged(5_000, 2_000, 3_000);
        distributor.setSplit(5_000, 2_000, 3_000);
        (uint16 contributorsBps, uint16 workersBps, uint16 reserveBps) = distributor.split();
        vm.assertEq(contributorsBps, 5_000, "contributors");
        vm.assertEq(workersBps, 2_000, "workers");
        vm.assertEq(reserveBps, 3_000, "reserve");

        distributor.addUnits(_POOL, alice, 1);
        distributor.addUnits(workPot, curator, 1);
        _deposit(_POOL, 10);
        vm.assertEq(distributor.claimable(_POOL, alice), 5, "half to the contributors");
        vm.assertEq(distributor.claimable(workPot, curator), 2, "a fifth to the workers");
        (,, uint256 reserveAccrued,) = distributor.totals();
        vm.assertEq(reserveAccrued, 3, "the rest to the reserve");
    }

    function test_splitOutsideItsBoundsIsRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IRevenueDistributor.RevenueDistributorInvalidSplit.selector, 9_999));
        distributor.setSplit(7_000, 2_000, 999);
        vm.expectRevert(abi.encodeWithSelector(IRevenueDistributor.RevenueDistributorInvalidSplit.selector, 10_001));
        distributor.setSplit(7_000, 2_000, 1_001);
        _expectOutOfBounds(4_999, 5_001, 0);
        _expectOutOfBounds(9_501, 499, 0);
        _expectOutOfBounds(5_000, 1_999, 3_001);
        vm.expectRevert(abi.encodeWithSelector(IRevenueDistributor.RevenueDistributorInvalidSplit.selector, 0));
        new RevenueDistributor(address(this), usd, treasury, 0, 0, 0, address(0));

        (uint16 contributorsBps, uint16 workersBps, uint16 reserveBps) = distributor.split();
        vm.assertEq(contributorsBps, _CONTRIBUTORS_BPS, "contributors unchanged");
        vm.assertEq(workersBps, _WORKERS_BPS, "workers unchanged");
        vm.assertEq(reserveBps, _RESERVE_BPS, "reserve unchanged");
    }

    // -- roles and wiring ----------------------------------------------------------------------

    function test_onlyTheRolesMoveMoneyAndUnits() public {
        vm.startPrank(bob);
        vm.expectRevert(_unauthorized(bob, distributor.DEPOSITOR_ROLE()));
        distributor.deposit(_POOL, 1);
        vm.expectRevert(_unauthorized(bob, distributor.UNITS_ROLE()));
        distributor.addUnits(_POOL, bob, 1);
        vm.expectRevert(_unauthorized(bob, distributor.UNITS_ROLE()));
        distributor.removeUnits(_POOL, bob, 0);
        vm.expectRevert(_unauthorized(bob, bytes32(0)));
        distributor.setSplit(_CONTRIBUTORS_BPS, _WORKERS_BPS, _RESERVE_BPS);
        vm.expectRevert(_unauthorized(bob, bytes32(0)));
        distributor.setTreasury(bob);
        vm.stopPrank();
    }

    function test_wiring() public view {
        vm.assertEq(address(distributor.paymentToken()), address(usd), "payment token");
        vm.assertEq(distributor.treasury(), treasury, "treasury");
        vm.assertEq(workPot, type(uint256).max, "the work pot's id");
    }

    // -- exactness -----------------------------------------------------------------------------

    /// @notice The contract's stated exactness, for any units and amounts: deposited × 1e18 ==
    /// (claimed + released + reserve) × 1e18 + Σ earnedScaled + reserveRemainder, and the token
    /// balance is what is claimed neither by members nor by the treasury.
    function testFuzz_everyWeiIsAccounted(
        uint256 aliceUnits,
        uint256 bobUnits,
        uint256 curatorUnits,
        uint256 first,
        uint256 second,
        uint256 third
    ) public {
        distributor.addUnits(_POOL, alice, bound(aliceUnits, 0, 1e12));
        distributor.addUnits(workPot, curator, bound(curatorUnits, 0, 1e12));
        _deposit(_POOL, bound(first, 0, 1e24));
        vm.prank(alice);
        distributor.claim(_POOL);
        distributor.addUnits(_POOL, bob, bound(bobUnits, 0, 1e12));
        _deposit(_POOL, bound(second, 0, 1e24));
        distributor.releaseReserve();
        distributor.removeUnits(_POOL, alice, distributor.unitsOf(_POOL, alice));
        _deposit(_POOL, bound(third, 0, 1e24));
        vm.prank(curator);
        distributor.claim(workPot);
        _assertConserved();
    }

    // -- helpers -------------------------------------------------------------------------------

    /// @dev As the market does: pays the distributor, then records the deposit.
    function _deposit(uint256 poolId, uint256 amount) private {
        usd.mint(address(distributor), amount);
        distributor.deposit(poolId, amount);
    }

    function _expectOutOfBounds(uint16 contributorsBps, uint16 workersBps, uint16 reserveBps) private {
        vm.expectRevert(
            abi.encodeWithSelector(
                IRevenueDistributor.RevenueDistributorSplitOutOfBounds.selector, contributorsBps, workersBps, reserveBps
            )
        );
        distributor.setSplit(contributorsBps, workersBps, reserveBps);
    }

    function _unauthorized(address account, bytes32 role) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    /// @dev The exactness identity over this suite's accounts, and the token balance behind it.
    function _assertConserved() private view {
        (uint256 deposited, uint256 claimed, uint256 reserveAccrued, uint256 reserveReleased) = distributor.totals();
        uint256 earned = distributor.earnedScaled(_POOL, alice) + distributor.earnedScaled(_POOL, bob)
            + distributor.earnedScaled(2, alice) + distributor.earnedScaled(workPot, alice)
            + distributor.earnedScaled(workPot, curator);
        vm.assertEq(
            deposited * _PRECISION,
            (claimed + reserveReleased + reserveAccrued) * _PRECISION + earned + distributor.reserveRemainder(),
            "every scaled wei accounted"
        );
        vm.assertEq(
            usd.balanceOf(address(distributor)), deposited - claimed - reserveReleased, "the balance backs the claims"
        );
    }
}
