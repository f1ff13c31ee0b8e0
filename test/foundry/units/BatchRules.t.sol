// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBatchPots} from "../../../contracts/interfaces/IBatchPots.sol";
import {IContributionRegistry} from "../../../contracts/interfaces/IContributionRegistry.sol";
import {IMembership} from "../../../contracts/interfaces/IMembership.sol";
import {BatchLeaf} from "../../../contracts/types/BatchLeaf.sol";
import {Accumulator} from "../utils/Accumulator.sol";
import {Actors} from "../utils/Actors.sol";
import {BatchFixture} from "../utils/BatchFixture.sol";
import {BatchTree} from "../utils/BatchTree.sol";
import {Cids} from "../utils/Cids.sol";
import {Relay} from "../utils/Relay.sol";

/// @title BatchRules
/// @notice The batch path's rules one at a time (issue 16's design): submission and its
/// refusals, the designated curator's acceptance (one unit per review, the weight joining the
/// pool as one holder) and rejection (no credit), claims by leaf, multiproof and holding,
/// activation for tokens, revocation, governance's overturn, and a member's relayed claim.
contract BatchRules is BatchFixture {
    uint256 private constant POOL = 1;
    uint48 private constant MAX_WEIGHT = 100;

    address private alice;
    address private bob;
    address private curator;
    address private aggregator;

    function setUp() public {
        _deployCooperative();
        _fundBuyer();
        alice = Actors.member(0);
        bob = Actors.member(1);
        curator = Actors.curator(1);
        aggregator = Actors.aggregator();
    }

    // -- submission --------------------------------------------------------------------------

    /// @notice A submitted batch is pending with its commitment, its curator and aggregator.
    function test_submitBatchRecordsAPendingBatch() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "a"), _leaf(0, 20, "b")), 2, 30, 4);
        vm.assertEq(b.batchId, 1, "the first batch");
        vm.assertEq(coop.registry.batchCount(), 1, "counted");
        (
            uint256 poolId,
            IContributionRegistry.BatchStatus status,
            bytes32 root,
            uint256 count,
            uint256 rejected,
            address storedAggregator,
            address storedCurator
        ) = coop.registry.batch(b.batchId);
        vm.assertEq(poolId, POOL, "pool");
        vm.assertEq(uint256(status), uint256(IContributionRegistry.BatchStatus.PENDING), "pending");
        vm.assertEq(root, BatchTree.root(b.tree), "root");
        vm.assertEq(count, 2, "count");
        vm.assertEq(rejected, 4, "rejections");
        vm.assertEq(storedAggregator, aggregator, "aggregator");
        vm.assertEq(storedCurator, curator, "designated curator");
    }

    /// @notice The committed weight is kept, and the registry's leaf hash is the tree's.
    function test_batchWeightsAndLeafHash() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "a"), _leaf(0, 20, "b")), 2, 30, 4);
        (uint256 totalWeight,,) = coop.registry.batchWeights(b.batchId);
        vm.assertEq(totalWeight, 30, "committed weight");
        _assertActivated(b.batchId, 0, 0);
        vm.assertEq(
            coop.registry.batchLeafHash(POOL, alice, b.leaves[0]),
            BatchTree.leafHash(address(coop.distributor), POOL, alice, b.leaves[0]),
            "the registry's leaf hash is the StandardMerkleTree's"
        );
    }

    /// @notice A batch needs a leaf or a rejection, a root exactly when it has leaves, a weight
    /// from count to count × maximum, an eligible curator other than its aggregator, a valid
    /// manifest CID and AGGREGATOR_ROLE.
    function test_submitBatchRefusals() public {
        bytes32 root = keccak256("root");
        vm.startPrank(aggregator);
        vm.expectRevert(IContributionRegistry.ContributionRegistryEmptyBatch.selector);
        coop.registry.submitBatch(POOL, curator, bytes32(0), 0, 0, 0, manifest);
        vm.expectRevert(IContributionRegistry.ContributionRegistryBatchRoot.selector);
        coop.registry.submitBatch(POOL, curator, bytes32(0), 1, 1, 0, manifest);
        vm.expectRevert(IContributionRegistry.ContributionRegistryBatchRoot.selector);
        coop.registry.submitBatch(POOL, curator, root, 0, 0, 1, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector, 2, 1, MAX_WEIGHT
            )
        );
        coop.registry.submitBatch(POOL, curator, root, 2, 1, 0, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryInvalidBatchWeight.selector, 2, 2 * MAX_WEIGHT + 1, MAX_WEIGHT
            )
        );
        coop.registry.submitBatch(POOL, curator, root, 2, 2 * MAX_WEIGHT + 1, 0, manifest);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryInvalidBatchCurator.selector, bob)
        );
        coop.registry.submitBatch(POOL, bob, root, 1, 1, 0, manifest);
        vm.expectRevert();
        coop.registry.submitBatch(POOL, curator, root, 1, 1, 0, Cids.inForm(Cids.Form.MALFORMED, keccak256("m")));
        vm.assertEq(coop.registry.submitBatch(POOL, curator, root, 2, 2, 0, manifest), 1, "the lightest commitment");
        vm.assertEq(coop.registry.submitBatch(POOL, curator, root, 2, 2 * MAX_WEIGHT, 0, manifest), 2, "the heaviest");
        vm.assertEq(coop.registry.submitBatch(POOL, curator, bytes32(0), 0, 0, 3, manifest), 3, "rejections only");
        vm.stopPrank();

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, alice, coop.registry.AGGREGATOR_ROLE()
            )
        );
        vm.prank(alice);
        coop.registry.submitBatch(POOL, curator, root, 1, 1, 0, manifest);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 4));
        coop.registry.batch(4);
    }

    // -- curation ----------------------------------------------------------------------------

    /// @notice Acceptance credits one unit per review (leaves and rejections), and the batch's
    /// committed weight joins the pool at once as one holder, earning from that block.
    function test_acceptBatchOpensThePotAndCreditsEveryReview() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "a"), _leaf(0, 20, "b")), 2, 30, 3);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);

        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 5, "two leaves and three rejections");
        vm.assertEq(coop.registry.reviewsInEpoch(curator, block.timestamp / 1 days), 5, "five reviews this epoch");
        vm.assertEq(coop.distributor.totalUnits(POOL), 30, "the weight joined the pool");
        (,,, uint64 contributions, uint64 accepted, uint96 poolWeight) = coop.registry.pool(POOL);
        vm.assertEq(contributions, 2, "two contributions");
        vm.assertEq(accepted, 2, "both accepted");
        vm.assertEq(poolWeight, 30, "their weight");
        (
            uint256 poolId,
            IBatchPots.BatchPotState state,
            uint256 units,
            uint256 claimedCount,
            uint256 claimedWeight,
            uint256 paid
        ) = coop.distributor.batchPot(b.batchId);
        vm.assertEq(poolId, POOL, "pot pool");
        vm.assertEq(uint256(state), uint256(IBatchPots.BatchPotState.EARNING), "earning");
        (uint256 curatorWeight, uint256 curatorOrdinals) = coop.distributor.batchHolding(b.batchId, curator);
        vm.assertEq(curatorWeight, 0, "the curator holds no weight");
        vm.assertEq(curatorOrdinals, (1 << 48) - 1, "the curator's holding is marked: every ordinal taken");
        vm.assertEq(units, 30, "pot units");
        vm.assertEq(claimedCount + claimedWeight + paid, 0, "nothing claimed yet");

        _sell(POOL, 3000);
        vm.assertEq(
            coop.distributor.claimableFromBatch(b.batchId, alice, 10), 700, "alice's leaf earned from acceptance"
        );
        vm.assertEq(coop.distributor.batchEarnedScaled(b.batchId), 2100 * PRECISION, "the batch holds the 2,100");
    }

    /// @notice A batch of rejections only credits them and opens no pot.
    function test_rejectionsOnlyBatchCreditsItsReviews() public {
        vm.prank(aggregator);
        uint256 batchId = coop.registry.submitBatch(POOL, curator, bytes32(0), 0, 0, 3, manifest);
        vm.prank(curator);
        coop.registry.acceptBatch(batchId);
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 3, "three reviews");
        (, IBatchPots.BatchPotState state,,,,) = coop.distributor.batchPot(batchId);
        vm.assertEq(uint256(state), uint256(IBatchPots.BatchPotState.NONE), "no pot");
        vm.assertEq(coop.distributor.totalUnits(POOL), 0, "no units");
    }

    /// @notice The designated curator's rejection credits nothing; the batch cannot be curated
    /// again, and its leaves earn nothing.
    function test_rejectBatchCreditsNothing() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "a"), _leaf(0, 20, "b")), 2, 30, 3);
        vm.prank(curator);
        coop.registry.rejectBatch(b.batchId, "manifest missing");
        vm.assertEq(coop.distributor.unitsOf(workPot, curator), 0, "no credit");
        (, IContributionRegistry.BatchStatus status,,,,,) = coop.registry.batch(b.batchId);
        vm.assertEq(uint256(status), uint256(IContributionRegistry.BatchStatus.REJECTED), "rejected");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotPending.selector,
                b.batchId,
                IContributionRegistry.BatchStatus.REJECTED
            )
        );
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        vm.expectRevert(
            abi.encodeWithSelector(IBatchPots.RevenueDistributorInvalidLeafProof.selector, b.batchId, alice)
        );
        _claim(b, 0);
    }

    /// @notice The designated curator must be an active worker when accepting, within the cap
    /// for all the batch's reviews.
    function test_acceptBatchRefusals() public {
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 1));
        vm.prank(curator);
        coop.registry.acceptBatch(1);
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "a"), _leaf(0, 20, "b")), 2, 30, 0);
        coop.registry.setCurationCap(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryCurationCapReached.selector,
                curator,
                block.timestamp / 1 days,
                1
            )
        );
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        coop.registry.setCurationCap(2);
        vm.prank(curator);
        coop.membership.leave();
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryCuratorNotWorker.selector,
                curator,
                false,
                IMembership.StakeholderClass(0)
            )
        );
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
    }

    // -- claims ------------------------------------------------------------------------------

    /// @notice A contributor claims many leaves with one multiproof, then their holding's later
    /// earnings without proofs; claimableFromBatch predicts each payment.
    function test_claimLeavesWithAMultiproofThenClaimBatches() public {
        address[] memory contributors = new address[](4);
        (contributors[0], contributors[1], contributors[2], contributors[3]) = (alice, bob, alice, alice);
        BatchLeaf[] memory leaves = new BatchLeaf[](4);
        (leaves[0], leaves[1], leaves[2], leaves[3]) =
        (_leaf(0, 10, "a0"), _leaf(0, 50, "b0"), _leaf(1, 15, "a1"), _leaf(2, 25, "a2"));
        Built memory b = _accepted(POOL, curator, contributors, leaves);
        _sell(POOL, 1000);

        uint256[] memory mine = new uint256[](3);
        (mine[0], mine[1], mine[2]) = (0, 2, 3);
        (uint256[] memory order, bytes32[] memory proof, bool[] memory flags) = BatchTree.multiProof(b.tree, mine);
        BatchLeaf[] memory claimed = new BatchLeaf[](3);
        for (uint256 i = 0; i < 3; ++i) {
            claimed[i] = leaves[order[i]];
        }
        vm.assertEq(coop.distributor.claimableFromBatch(b.batchId, alice, 50), 350, "predicted: 50 of 100 units of 700");
        vm.prank(alice);
        vm.assertEq(coop.distributor.claimLeaves(b.batchId, claimed, proof, flags), 350, "paid");
        (uint256 held, uint256 ordinals) = coop.distributor.batchHolding(b.batchId, alice);
        vm.assertEq(held, 50, "held weight");
        vm.assertEq(ordinals, 7, "ordinals 0, 1 and 2");

        _sell(POOL, 2000);
        vm.assertEq(coop.distributor.claimableFromBatch(b.batchId, alice, 0), 700, "predicted: half of 1,400");
        uint256[] memory ids = new uint256[](1);
        ids[0] = b.batchId;
        vm.prank(alice);
        vm.assertEq(coop.distributor.claimBatches(ids), 700, "paid without proofs");
        vm.assertEq(_claim(b, 1), 350 + 700, "bob's leaf: everything since acceptance");
        (,,, uint256 claimedCount, uint256 claimedWeight, uint256 paid) = coop.distributor.batchPot(b.batchId);
        vm.assertEq(claimedCount, 4, "four leaves claimed");
        vm.assertEq(claimedWeight, 100, "their weight");
        vm.assertEq(paid, 2100, "everything the batch earned");
        vm.assertEq(coop.distributor.batchEarnedScaled(b.batchId), 0, "nothing left");
    }

    /// @notice Claims stop at the committed count and weight, and at the pool's maximum at
    /// acceptance; an empty claim and a weight not in the tree are refused.
    function test_claimRefusals() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 60, "a"), _leaf(0, 50, "b")), 2, 100, 0);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        _claim(b, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IBatchPots.RevenueDistributorBatchCommitment.selector, b.batchId, 2, 100)
        );
        _claim(b, 1);
        vm.expectRevert(IBatchPots.RevenueDistributorNoLeaves.selector);
        vm.prank(bob);
        coop.distributor.claimLeaves(b.batchId, new BatchLeaf[](0), new bytes32[](0), new bool[](0));
        BatchLeaf memory heavier = b.leaves[1];
        heavier.weight = 40;
        vm.expectRevert(abi.encodeWithSelector(IBatchPots.RevenueDistributorInvalidLeafProof.selector, b.batchId, bob));
        vm.prank(bob);
        coop.distributor.claimLeaf(b.batchId, heavier, _proof(b, 1));
        uint256[] memory ids = new uint256[](1);
        ids[0] = b.batchId + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IBatchPots.RevenueDistributorBatchState.selector, b.batchId + 1, IBatchPots.BatchPotState.NONE
            )
        );
        coop.distributor.claimBatches(ids);
    }

    /// @notice A member with no ether claims a leaf through the forwarder: the signer is paid.
    function test_relayedClaimPaysTheSigner() public {
        Built memory b = _accepted(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 30, "a"), _leaf(0, 70, "b")));
        _sell(POOL, 1000);
        vm.assertEq(alice.balance, 0, "alice holds no ether");
        bytes memory data = abi.encodeCall(coop.distributor.claimLeaf, (b.batchId, b.leaves[0], _proof(b, 0)));
        vm.prank(Actors.gasRelayer());
        coop.forwarder.execute(Relay.signed(coop.forwarder, Actors.memberKey(0), address(coop.distributor), data));
        vm.assertEq(coop.usd.balanceOf(alice), 210, "paid to the signer");
        vm.assertEq(coop.usd.balanceOf(Actors.gasRelayer()), 0, "nothing to the relayer");
    }

    // -- activation and revocation -----------------------------------------------------------

    /// @notice Activation registers each leaf as an accepted contribution and mints its weight;
    /// a leaf activates once, within the commitment; revocation burns it, once.
    function test_activateThenRevoke() public {
        address[] memory contributors = new address[](3);
        (contributors[0], contributors[1], contributors[2]) = (alice, alice, bob);
        BatchLeaf[] memory leaves = new BatchLeaf[](3);
        (leaves[0], leaves[1], leaves[2]) = (_leaf(0, 10, "a0"), _leaf(1, 25, "a1"), _leaf(0, 60, "b0"));
        Built memory b = _submit(POOL, curator, contributors, leaves, 3, 90, 0);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);

        (BatchLeaf[] memory both, bytes32[] memory proof, bool[] memory flags) = _multi(b, 0, 1);
        vm.prank(alice);
        vm.assertEq(coop.registry.activateLeaves(b.batchId, both, proof, flags), 35, "both weights");
        vm.assertEq(coop.token.balanceOf(alice), 35, "minted");
        uint256 id = Cids.idOf(alice, Cids.digestOf(leaves[0].cid));
        _assertContribution(id, IContributionRegistry.Status.ACCEPTED, 10);
        _assertActivated(b.batchId, 2, 35);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryDuplicateCid.selector, id, alice)
        );
        vm.prank(alice);
        coop.registry.activateLeaves(b.batchId, both, proof, flags);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionRegistry.ContributionRegistryBatchedContribution.selector, id)
        );
        vm.prank(alice);
        coop.registry.revoke(id);
        (,,, uint256 claimedCount,,) = coop.distributor.batchPot(b.batchId);
        vm.assertEq(claimedCount, 0, "activation claims no revenue");

        _sell(POOL, 900);
        vm.prank(alice);
        coop.registry.revokeLeaf(b.batchId, leaves[0], _proof(b, 0));
        vm.assertEq(coop.token.balanceOf(alice), 25, "its weight burnt");
        vm.assertEq(coop.usd.balanceOf(alice), 70, "its revenue paid: 10 of 90 units of 630");
        _assertContribution(id, IContributionRegistry.Status.REVOKED, 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryNotRevocable.selector,
                id,
                IContributionRegistry.Status.REVOKED
            )
        );
        vm.prank(alice);
        coop.registry.revokeLeaf(b.batchId, leaves[0], _proof(b, 0));
    }

    /// @notice Activations stop at the committed count and weight, and need a member.
    function test_activationRefusals() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, alice), _pairOf(_leaf(0, 60, "a"), _leaf(1, 50, "b")), 2, 100, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
                b.batchId,
                IContributionRegistry.BatchStatus.PENDING
            )
        );
        _activateOne(b, 0);
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        (BatchLeaf[] memory both, bytes32[] memory proof, bool[] memory flags) = _multi(b, 0, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchWeightExceeded.selector, b.batchId, 100
            )
        );
        vm.prank(alice);
        coop.registry.activateLeaves(b.batchId, both, proof, flags);
        vm.expectRevert(IContributionRegistry.ContributionRegistryNoLeaves.selector);
        vm.prank(alice);
        coop.registry.activateLeaves(b.batchId, new BatchLeaf[](0), proof, flags);
        vm.prank(alice);
        coop.membership.leave();
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryNotMember.selector, alice));
        _activateOne(b, 0);
    }

    // -- governance --------------------------------------------------------------------------

    /// @notice Governance overturns a pending or accepted batch, once; nobody else can.
    function test_overturnBatchRules() public {
        Built memory b =
            _submit(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 10, "a"), _leaf(0, 20, "b")), 2, 30, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, curator, bytes32(0))
        );
        vm.prank(curator);
        coop.registry.overturnBatch(b.batchId, "mine");
        coop.registry.overturnBatch(b.batchId, "forged consent");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotPending.selector,
                b.batchId,
                IContributionRegistry.BatchStatus.OVERTURNED
            )
        );
        vm.prank(curator);
        coop.registry.acceptBatch(b.batchId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionRegistryBatchNotAccepted.selector,
                b.batchId,
                IContributionRegistry.BatchStatus.OVERTURNED
            )
        );
        coop.registry.overturnBatch(b.batchId, "again");
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContributionRegistryUnknownBatch.selector, 9));
        coop.registry.overturnBatch(9, "none");
        vm.assertEq(Accumulator.read(address(coop.distributor), POOL), 0, "the pool never earned");
    }

    /// @dev Accumulator's slot is the distributor's `_pots`: a sale moves it by the share per unit.
    function test_accumulatorSlotIsThePotsAccumulator() public {
        _accepted(POOL, curator, _pair(alice, bob), _pairOf(_leaf(0, 30, "a"), _leaf(0, 70, "b")));
        _sell(POOL, 1000);
        vm.assertEq(Accumulator.read(address(coop.distributor), POOL), 7 * PRECISION, "700 over 100 units");
    }

    // -- helpers -----------------------------------------------------------------------------

    /// @dev Leaves `i` and `j` of one contributor in multiproof order, with the multiproof.
    function _multi(Built memory b, uint256 i, uint256 j)
        private
        pure
        returns (BatchLeaf[] memory leaves, bytes32[] memory proof, bool[] memory flags)
    {
        uint256[] memory ks = new uint256[](2);
        (ks[0], ks[1]) = (i, j);
        uint256[] memory order;
        (order, proof, flags) = BatchTree.multiProof(b.tree, ks);
        leaves = _pairOf(b.leaves[order[0]], b.leaves[order[1]]);
    }

    /// @dev Contribution `id` is alice's in pool 1, with this status and weight.
    function _assertContribution(uint256 id, IContributionRegistry.Status status, uint48 weight) private view {
        (address contributor, uint256 poolId, IContributionRegistry.Status stored, uint48 storedWeight) =
            coop.registry.contribution(id);
        vm.assertEq(contributor, alice, "registered to alice");
        vm.assertEq(poolId, POOL, "in the batch's pool");
        vm.assertEq(uint256(stored), uint256(status), "status");
        vm.assertEq(storedWeight, weight, "its weight");
    }

    function _assertActivated(uint256 batchId, uint256 count, uint256 weight) private view {
        (, uint256 activatedCount, uint256 activatedWeight) = coop.registry.batchWeights(batchId);
        vm.assertEq(activatedCount, count, "leaves activated");
        vm.assertEq(activatedWeight, weight, "their weight");
    }

    function _activateOne(Built memory b, uint256 k) private {
        uint256[] memory ks = new uint256[](1);
        ks[0] = k;
        (, bytes32[] memory proof, bool[] memory flags) = BatchTree.multiProof(b.tree, ks);
        BatchLeaf[] memory one = new BatchLeaf[](1);
        one[0] = b.leaves[k];
        vm.prank(b.contributors[k]);
        coop.registry.activateLeaves(b.batchId, one, proof, flags);
    }
}
