"""bench/REPORT.md and its plots from the benchmarks' JSON files.

    python -m bench.report

Reads bench/results.json (bench/simulate.py), bench/gas.json (bench/bench_gas.py),
bench/member_year.json (bench/member_year.py), bench/api.json (bench/bench_api.py) and
bench/ipfs.json (bench/bench_ipfs.py); a missing file leaves its section saying so. Plots
are PNGs beside the report (matplotlib, Agg backend).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

BENCH_DIR = Path(__file__).resolve().parent
REPORT = BENCH_DIR / "REPORT.md"

# Peer figures (gas), as the issue gives them.
STREAMR_REVENUE = 92_000
STREAMR_WITHDRAW = 130_000
VANA_PER_CONTRIBUTION = 765_000

# The rows of the gas table, in the order a member meets them; anything else follows.
ORDER = (
    "join_by_voucher", "propose", "castVoteWithParams", "queue", "execute", "submit", "accept",
    "submitBatch", "acceptBatch", "claimBatchLeaf", "claimBatchLeaves", "purchase",
    "settleOffchain", "claimMany",
)


def load(name: str) -> dict[str, Any] | None:
    path = BENCH_DIR / name
    return json.loads(path.read_text()) if path.exists() else None


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ordered_actions(actions: dict[str, Any]) -> list[str]:
    first = [a for a in ORDER if a in actions]
    return first + sorted(a for a in actions if a not in first)


def plot_actions(results: dict[str, Any], path: Path) -> None:
    actions = results["actions"]
    names = [a for a in ordered_actions(actions) if not a.startswith("claimMany_")]
    medians = [actions[a]["median"] for a in names]
    p95 = [actions[a]["p95"] for a in names]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(names) + 1.5))
    y = range(len(names))
    ax.barh(y, p95, color="#c9d7e8", label="p95")
    ax.barh(y, medians, color="#3b6ea5", height=0.5, label="median")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    for value, label, colour in (
        (STREAMR_REVENUE, "Streamr DU3 revenue ≈92k", "#d95f02"),
        (STREAMR_WITHDRAW, "Streamr DU3 withdraw ≈130k", "#7570b3"),
    ):
        ax.axvline(value, color=colour, linestyle="--", linewidth=1, label=label)
    ax.set_xlabel("gas per transaction")
    ax.set_title(f"Gas per action ({results['mode']} simulation)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_flat(results: dict[str, Any], path: Path) -> None:
    flat = results["flat"]
    sizes = sorted(int(s) for s in flat)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(sizes, [flat[str(s)]["purchase"] for s in sizes], "o-", label="purchase")
    ax.plot(sizes, [flat[str(s)]["claim"] for s in sizes], "s-", label="claim")
    ax.axhline(STREAMR_REVENUE, color="#d95f02", linestyle="--", linewidth=1,
               label="Streamr DU3 revenue ≈92k")
    ax.axhline(STREAMR_WITHDRAW, color="#7570b3", linestyle="--", linewidth=1,
               label="Streamr DU3 withdraw ≈130k")
    ax.set_xscale("log")
    ax.set_ylim(0, 160_000)
    ax.set_xlabel("members holding units in the pool")
    ax.set_ylabel("gas")
    ax.set_title("Purchase and claim gas against pool membership")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_lorenz(results: dict[str, Any], path: Path) -> None:
    d = results["distribution"]
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.plot([0, 1], [0, 1], color="grey", linewidth=1, label="equality")
    for key, label in (
        ("lorenz_contribution_weight",
         f"contribution weight (Gini {d['gini_contribution_weight']})"),
        ("lorenz_earnings", f"earnings (Gini {d['gini_earnings']})"),
    ):
        xs, ys = zip(*d[key], strict=True)
        ax.plot(xs, ys, label=label)
    ax.set_xlabel("share of members (poorest first)")
    ax.set_ylabel("cumulative share")
    ax.set_title(f"Lorenz curves, {d['members']} members")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def per_contribution_bars(
    results: dict[str, Any], gas: dict[str, Any] | None
) -> list[tuple[str, int]]:
    bars = []
    single = results["per_contribution"]["single_submit_plus_accept_median"]
    if single:
        bars.append(("Lumbung single\n(submit + accept)", single))
    batched = results["per_contribution"].get("batched_amortized")
    if batched:
        bars.append(("Lumbung batched\n(simulation, amortized)", batched))
    elif gas and gas.get("gas", {}).get("batch_amortized_per_contribution"):
        amortized = gas["gas"]["batch_amortized_per_contribution"]
        bars.append(("Lumbung batched\n(bench_gas, 1,024)", amortized))
    bars.append(("Vana DLP\n(reported)", VANA_PER_CONTRIBUTION))
    return bars


def plot_per_contribution(bars: list[tuple[str, int]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 4))
    labels, values = zip(*bars, strict=True)
    colours = ["#3b6ea5"] * (len(bars) - 1) + ["#999999"]
    ax.bar(labels, values, color=colours)
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:,}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("gas per contribution")
    ax.set_title("Registering one contribution")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def concentration(d: dict[str, Any]) -> str:
    earned, weight = d["gini_earnings"], d["gini_contribution_weight"]
    if abs(earned - weight) < 0.02:
        return "earnings are about as concentrated as contributions."
    if earned < weight:
        return ("earnings are less concentrated than contributions (pools with few "
                "contributors sold too, which lifts their members).")
    return "earnings are more concentrated than contributions."


def build(results: dict[str, Any] | None, gas: dict[str, Any] | None,
          api: dict[str, Any] | None, ipfs: dict[str, Any] | None) -> str:
    lines = ["# Lumbung benchmark report", ""]
    lines += [
        "Generated by `python -m bench.report` (run by `make bench` after `bench.simulate`) "
        "from bench/results.json, bench/gas.json, bench/api.json and bench/ipfs.json. "
        "Do not edit by hand.",
        "",
    ]
    if results is None:
        lines += ["bench/results.json is missing: run `python -m bench.simulate`.", ""]
        return "\n".join(lines)
    s = results["scale"]
    in_blocks = f" in {results['blocks']:,} blocks" if results.get("blocks") else ""
    lines += [
        "## The simulated cooperative",
        "",
        f"Mode **{results['mode']}**: {s['members']:,} members (60% producers, 15% funders, "
        f"20% workers, 5% stewards, joined by registrar vouchers), {s['contributions']:,} "
        f"contributions in 5 pools, {s['purchases']:,} purchases (half wallet `purchase`, half "
        f"off-chain API orders settled by the worker), {s['proposals']} governed proposal(s), "
        "and a `claimMany` by every member. Every action is a real transaction on a fresh Anvil "
        "with the governed cooperative deployed as `make run` deploys it, in blocks 12 s apart "
        "(votes 1 s apart). Governance steps, the settlement worker's transactions and the "
        "flatness measurements are mined alone in their blocks; the others share blocks (up to "
        "100), except that no two in a block push the same "
        "checkpoint (joins of one class, mints of contribution tokens), so each figure is the "
        "gas the transaction costs alone in its block.",
        "",
        f"Wall time **{results['wall_s']:,} s** for {results['transactions']:,} transactions"
        f"{in_blocks} on {results['machine']['cpus']} CPUs "
        f"(Python {results['machine']['python']}). "
        "`make bench` runs it after the other benchmarks; `QUICK=1` runs 100 members, 1,000 "
        "contributions, 20 purchases and one proposal.",
        "",
        "| phase | seconds |",
        "|---|---:|",
    ]
    phases = results["phases_s"]
    order = ["deploy", "join", "governance", "contributions", "purchases", "claims", "earnings",
             "flatness", "indexer"]
    names = [p for p in order if p in phases] + [p for p in phases if p not in order]
    lines += [f"| {name} | {phases[name]:,} |" for name in names]
    lines.append("")
    for note in results.get("notes", []):
        lines += [f"> **Note.** {note}", ""]

    # Gas per action.
    steady = (gas or {}).get("gas", {})
    steady_key = {"join_by_voucher": "join_by_voucher", "submit": "submit", "accept": "accept",
                  "purchase": "purchase", "settleOffchain": "settleOffchain",
                  "castVoteWithParams": "castVote_n1", "propose": "propose", "queue": "queue",
                  "execute": "execute", "submitBatch": "batch_submit_1024",
                  "claimBatchLeaf": "batch_claim"}
    actions = results["actions"]
    lines += [
        "## Gas per action",
        "",
        "![gas per action](gas_actions.png)",
        "",
        "| action | count | median | p95 | mean | bench_gas.py (one call, steady state) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ordered_actions(actions):
        a = actions[name]
        ref = steady.get(steady_key.get(name, ""), None)
        lines.append(f"| `{name}` | {a['count']:,} | {a['median']:,} | {a['p95']:,} | "
                     f"{a['mean']:,.0f} | {fmt(ref)} |")
    lines += [
        "",
        "`claimMany_k_pots` rows split `claimMany` by the number of pots claimed at once. "
        "`settleOffchain` is the API's settlement worker's transaction. The last column is "
        "bench/bench_gas.py's figure for the same call in a steady state (a member's second "
        "contribution, a pool's second sale); the simulation's p95 includes first-time costs "
        "(a member's first token checkpoint and units, a pool's first sale).",
        "",
    ]

    # Per contribution.
    bars = per_contribution_bars(results, gas)
    lines += ["## Cost of one contribution", "", "![per contribution](per_contribution.png)", "",
              "| | gas per contribution |", "|---|---:|"]
    lines += [f"| {label.replace(chr(10), ' ')} | {value:,} |" for label, value in bars]
    lines.append("")
    if results.get("batches"):
        lines += ["| batch pool | leaves | claim transactions | gas in total | per contribution |",
                  "|---:|---:|---:|---:|---:|"]
        for b in results["batches"]:
            lines.append(f"| {b['pool']} | {b['leaves']:,} | {b['claims']:,} | "
                         f"{b['gas_total']:,} | {b['gas_per_contribution']:,} |")
        lines += ["", "A batch costs `submitBatch` + `acceptBatch` + one claim per contributor "
                  "(a multiproof for all of that contributor's leaves), divided by its leaves.", ""]

    # Flatness.
    flat = results.get("flat", {})
    lines += ["## Purchase and claim against member count", "", "![flat](flat.png)", "",
              "| members in pool | purchase | claim |", "|---:|---:|---:|"]
    for size in sorted(flat, key=int):
        f = flat[size]
        lines.append(f"| {f['members_in_pool']:,} | {f['purchase']:,} | {f['claim']:,} |")
    if flat:
        p = [f["purchase"] for f in flat.values()]
        c = [f["claim"] for f in flat.values()]
        lines += ["", f"Spread across sizes: purchase {max(p) - min(p):,} gas, claim "
                  f"{max(c) - min(c):,} gas. Revenue is credited to a pot's accumulator "
                  "(O(1) per sale) and each member settles its own share when it claims, so "
                  "neither grows with membership. Synthetic unit holders are seeded with the "
                  "UnitsSeeder test contract in pools opened (by the impersonated timelock) "
                  "only for this measurement, after the earnings below were taken."]
    lines.append("")

    # Distribution.
    d = results.get("distribution")
    if d:
        lines += [
            "## Who earns what",
            "",
            "![lorenz](lorenz.png)",
            "",
            "| | Gini | top 10% share |",
            "|---|---:|---:|",
            f"| accepted contribution weight | {d['gini_contribution_weight']} | "
            f"{d['top_decile_share_weight']:.1%} |",
            f"| earnings (RevenueClaimed) | {d['gini_earnings']} | "
            f"{d['top_decile_share_earnings']:.1%} |",
            f"| contribution count | {d['gini_contribution_count']} | |",
            "",
            f"{d['members']:,} members (the simulated ones and the three set up with the "
            f"deployment); {d['paid_total_usd']:,.2f} test USD paid out by the claims, "
            f"{d['unclaimed_after_claims_usd']} left claimable after them"
            + (f"; the indexer's revenue_claims table holds {d['indexer_paid_total_usd']:,.2f} (it "
               "also saw the flatness phase's claims)" if "indexer_paid_total_usd" in d else
               " (the indexer was not timed in this run: `--index yes`)")
            + ". Contributions are heavy-tailed by design (Pareto activity, "
            "producers most active). Earnings follow weight within each pool, but also how well "
            "a member's pools sell, and the workers' share of every sale goes to the curators: "
            f"{concentration(d)}",
            "",
        ]

    props = results.get("proposals")
    if props:
        lines += ["## Governance", "", "| proposal | calls | voters |", "|---|---:|---:|"]
        lines += [f"| {p['description']} | {p['calls']} | {p['voters']} |" for p in props]
        lines += ["", "Each went propose → quadratic votes (n = 1–3, per-class quorum 20%) → "
                  "queue → timelock → execute, and ended Executed.", ""]

    idx = results.get("indexer")
    if idx:
        lines += ["## Indexer", "",
                  f"The indexer caught up with the whole chain ({idx['blocks']:,} blocks, "
                  f"{idx['events']:,} events) in {idx['seconds']:,} s: {idx['blocks_per_s']:,} "
                  f"blocks/s, {idx['events_per_s']:,} events/s (SQLite).", ""]

    lines += ["## API and CID throughput", ""]
    if api:
        lines += [
            "From bench/api.json (`bench.bench_api`: uvicorn with "
            f"{api.get('api_server_workers')} workers, concurrency {api.get('api_concurrency')}):",
            "",
            "| figure | value |",
            "|---|---:|",
            f"| catalogue `GET /v1/pools` | {fmt(api.get('catalog_rps'))} req/s |",
            f"| bare `GET /livez` | {fmt(api.get('bare_rps'))} req/s |",
            f"| catalogue / bare | {api.get('catalog_over_bare', '–')} |",
            f"| orders settled on-chain by the worker | {fmt(api.get('settle_per_s'))} /s |",
            f"| duplicate orders from {fmt(api.get('orders_idempotent_requests'))} concurrent "
            f"requests over {fmt(api.get('orders_idempotent_keys'))} keys | "
            f"{fmt(api.get('orders_idempotent_dupes'))} |",
            "",
        ]
    else:
        lines += ["bench/api.json is missing (run `python -m bench.bench_api`).", ""]
    if ipfs:
        lines += [
            "From bench/ipfs.json (`bench/bench_ipfs.py`):",
            "",
            "| figure | value |",
            "|---|---:|",
            f"| CID of a file, kubo defaults (CIDv0, dag-pb leaves) | "
            f"{fmt(ipfs.get('cid_mbps'))} MB/s |",
            f"| CID of a file, CIDv1 (raw leaves) | {fmt(ipfs.get('cid_v1_mbps'))} MB/s |",
            f"| plain sha-256 | {fmt(ipfs.get('sha256_mbps'))} MB/s |",
            f"| npm ipfs-unixfs-importer, same CID | {fmt(ipfs.get('js_importer_mbps'))} MB/s |",
            f"| add to the embedded store | {fmt(ipfs.get('add_mbps'))} MB/s |",
            f"| peak RSS adding 1 GiB | {fmt(ipfs.get('add_1gib_peak_rss_mib'))} MiB |",
            "",
        ]
    else:
        lines += ["bench/ipfs.json is missing (run `python bench/bench_ipfs.py`).", ""]

    lines += member_year_section(load("member_year.json"))
    lines += [
        "## Peers",
        "",
        "Reference lines, as reported by the projects (not measured here): Streamr Data Union 3 "
        f"revenue ≈{STREAMR_REVENUE:,} gas and withdraw ≈{STREAMR_WITHDRAW:,} gas (compare "
        f"Lumbung's `purchase` and `claim`); Vana's Data Liquidity Pool ≈{VANA_PER_CONTRIBUTION:,} "
        "gas per contribution (compare one contribution above).",
        "",
    ]
    return "\n".join(lines)


def member_year_section(year: dict[str, Any] | None) -> list[str]:
    """What a member's year costs, paid by the cooperative's gas relayer, on L1 and on L2."""
    lines = ["## A member's year, paid by the cooperative", ""]
    if year is None:
        return [*lines, "bench/member_year.json is missing (`python -m bench.member_year`).", ""]
    p = year["prices"]
    gwei = 10**9
    lines += [
        "From bench/member_year.json (`python -m bench.member_year`), on Anvil in its optimism "
        "mode: a member joins, makes 50 contributions, votes on 10 proposals and claims 12 "
        "times over a year, one month at a time. Every transaction is the gas relayer's, sent "
        "raw; the member signs requests and ballots only. The ether the member spent in the "
        f"year: **{fmt(year['member_year_member_wei'])} wei**, and its account sent no "
        "transaction.",
        "",
        f"Stated prices: L1 gas {p['l1_gas_price_wei'] / gwei:g} gwei; on the OP-stack L2, "
        f"execution at {p['l2_gas_price_wei'] / gwei:g} gwei plus the L1 data fee of each "
        f"signed transaction's bytes (Ecotone: L1 base fee {p['l1_base_fee_wei'] / gwei:g} gwei, "
        f"blob base fee {p['l1_blob_base_fee_wei'] / gwei:g} gwei, scalars "
        f"{p['base_fee_scalar']:,} and {p['blob_base_fee_scalar']:,}, OP Mainnet's); "
        f"Rp {p['idr_per_ether']:,} per ether.",
        "",
        "| paid for | action | count | gas | bytes | on L1 (Rp) | on the L2 (Rp) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in year["actions"]:
        lines.append(
            f"| {row['for']} | `{row['action']}` | {row['count']:,} | {row['gas']:,} | "
            f"{row['bytes']:,} | {row['l1_idr']:,.0f} | {row['l2_idr']:,.2f} |"
        )
    for served, total in sorted(year["totals"].items()):
        lines.append(
            f"| **{served}, the year** | | {total['count']:,} | {total['gas']:,} | | "
            f"**{total['l1_idr']:,.0f}** | **{total['l2_idr']:,.2f}** |"
        )
    return [
        *lines,
        "",
        "`member` is what the member's own actions cost the cooperative; `curation` is the "
        "curator's review of each contribution, relayed too. Spread over the months, many "
        "actions are the first of their epoch (fresh vote checkpoints and credits), the dearer "
        "case.",
        "",
    ]


def main(argv: list[str] | None = None) -> None:
    del argv
    results, gas, api, ipfs = (load(n) for n in ("results.json", "gas.json", "api.json",
                                                  "ipfs.json"))
    if results is not None:
        plot_actions(results, BENCH_DIR / "gas_actions.png")
        if results.get("flat"):
            plot_flat(results, BENCH_DIR / "flat.png")
        if results.get("distribution"):
            plot_lorenz(results, BENCH_DIR / "lorenz.png")
        bars = per_contribution_bars(results, gas)
        plot_per_contribution(bars, BENCH_DIR / "per_contribution.png")
    REPORT.write_text(build(results, gas, api, ipfs))
    print(f"wrote {REPORT}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
