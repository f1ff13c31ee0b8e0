// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IDataMarket} from "../../../contracts/interfaces/IDataMarket.sol";
import {Actors} from "../utils/Actors.sol";
import {Cooperative} from "../utils/CooperativeDeployer.sol";
import {CoopModel} from "./CoopModel.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title BuyerHandler
/// @notice Wallet buyers: fund themselves, then buy with an allowance that is sometimes short,
/// a balance that is sometimes short, a max price below the price, a purpose not licensed, a
/// pool not for sale; or with an ERC-2612 permit that is sometimes expired or signed by the
/// wrong key. A refused purchase must move no token at all.
contract BuyerHandler is HandlerBase {
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    uint256 internal constant MAX_FUNDING = 1e9;
    uint8 internal constant RESEARCH = 0;

    /// @dev A purchase attempt: who, what, and the outcome predicted.
    struct Attempt {
        address buyer;
        uint256 poolId;
        uint8 purpose;
        uint256 maxPrice;
        uint256 price;
    }

    constructor(Cooperative memory coop_, CoopModel model_) HandlerBase(coop_, model_) {}

    /// @inheritdoc HandlerBase
    function selectors() external pure override returns (bytes4[] memory s) {
        s = new bytes4[](3);
        s[0] = this.fund.selector;
        s[1] = this.purchase.selector;
        s[2] = this.purchaseWithPermit.selector;
    }

    function fund(uint256 buyerSeed, uint256 amountSeed) external {
        address buyer = Actors.buyer(buyerSeed);
        uint256 amount = bound(amountSeed, 0, MAX_FUNDING);
        coop.usd.mint(buyer, amount);
        model.recordMinted(buyer, amount);
    }

    function purchase(uint256 buyerSeed, uint256 poolSeed, uint256 purposeSeed, uint256 priceSeed, uint256 allowanceSeed)
        external
    {
        Attempt memory a = _attempt(buyerSeed, poolSeed, purposeSeed, priceSeed);
        // A quarter of the time the allowance falls short of the price.
        uint256 allowance = allowanceSeed % 4 == 0 && a.price > 0
            ? bound(allowanceSeed >> 2, 0, a.price - 1)
            : a.price + bound(allowanceSeed >> 2, 0, 1_000);
        vm.prank(a.buyer);
        coop.usd.approve(address(coop.market), allowance);
        _buy(a, abi.encodeCall(coop.market.purchase, (a.poolId, a.purpose, a.maxPrice)), allowance);
    }

    /// @notice The permit covers maxPrice; one time in eight it is expired, one in eight signed
    /// by another key (then the purchase falls back on whatever allowance is left).
    function purchaseWithPermit(
        uint256 buyerSeed,
        uint256 poolSeed,
        uint256 purposeSeed,
        uint256 priceSeed,
        uint256 permitSeed
    ) external {
        Attempt memory a = _attempt(buyerSeed, poolSeed, purposeSeed, priceSeed);
        bool expired = permitSeed % 8 == 0;
        bool forged = permitSeed % 8 == 1;
        uint256 deadline = expired ? block.timestamp - 1 : block.timestamp + bound(permitSeed >> 3, 0, 1 days);
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                coop.usd.DOMAIN_SEPARATOR(),
                keccak256(
                    abi.encode(
                        _PERMIT_TYPEHASH, a.buyer, address(coop.market), a.maxPrice, coop.usd.nonces(a.buyer), deadline
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(forged ? Actors.IMPOSTOR_KEY : Actors.buyerKey(buyerSeed), digest);
        uint256 allowance =
            expired || forged ? coop.usd.allowance(a.buyer, address(coop.market)) : a.maxPrice;
        _buy(
            a,
            abi.encodeCall(coop.market.purchaseWithPermit, (a.poolId, a.purpose, a.maxPrice, deadline, v, r, s)),
            allowance
        );
    }

    /// @dev A buyer, a pool (one not for sale), mostly the licensed purpose, a max price
    /// that a quarter of the time is one below the price.
    function _attempt(uint256 buyerSeed, uint256 poolSeed, uint256 purposeSeed, uint256 priceSeed)
        private
        view
        returns (Attempt memory a)
    {
        a.buyer = Actors.buyer(buyerSeed);
        a.poolId = bound(poolSeed, 1, POOL_COUNT + 1);
        a.purpose = purposeSeed % 4 == 0 ? uint8(purposeSeed >> 2) : RESEARCH;
        a.price = model.listing(a.poolId).price;
        a.maxPrice = priceSeed % 4 == 0 && a.price > 0 ? a.price - 1 : a.price + bound(priceSeed >> 2, 0, 1_000);
    }

    function _outcome(Attempt memory a, uint256 allowance) private view returns (bytes4) {
        CoopModel.ListingModel memory listing = model.listing(a.poolId);
        if (!listing.active) return IDataMarket.DataMarketNotForSale.selector;
        if (a.purpose >= 64 || (listing.purposes >> a.purpose) & 1 == 0) {
            return IDataMarket.DataMarketPurposeNotAllowed.selector;
        }
        if (a.price > a.maxPrice) return IDataMarket.DataMarketPriceAboveMax.selector;
        if (model.poolUnits(a.poolId) == 0) return IDataMarket.DataMarketNoContent.selector;
        if (model.generalStrike() || model.struck(a.buyer)) return IDataMarket.DataMarketStrike.selector;
        if (allowance < a.price) return IERC20Errors.ERC20InsufficientAllowance.selector;
        if (model.expectedBalance(a.buyer) < a.price) return IERC20Errors.ERC20InsufficientBalance.selector;
        return OK;
    }

    /// @dev Makes the purchase call and checks every balance it may touch.
    function _buy(Attempt memory a, bytes memory data, uint256 allowance) private {
        bytes4 expected = _outcome(a, allowance);
        uint256 buyerBefore = coop.usd.balanceOf(a.buyer);
        uint256 distributorBefore = coop.usd.balanceOf(address(coop.distributor));
        (uint256 depositedBefore,,,) = coop.distributor.totals();
        bytes memory ret = _call(a.buyer, address(coop.market), data, expected);
        uint256 paid = expected == OK ? a.price : 0;
        vm.assertEq(coop.usd.balanceOf(a.buyer), buyerBefore - paid, "purchase: the buyer pays the price or nothing");
        vm.assertEq(
            coop.usd.balanceOf(address(coop.distributor)), distributorBefore + paid, "purchase: all of it to the distributor"
        );
        (uint256 depositedAfter,,,) = coop.distributor.totals();
        vm.assertEq(depositedAfter, depositedBefore + paid, "purchase: deposited once");
        if (expected != OK) return;
        uint256 purchaseId = model.recordSale(a.buyer, a.price, bytes32(0));
        vm.assertEq(abi.decode(ret, (uint256)), purchaseId, "purchase: ids count up");
    }
}
