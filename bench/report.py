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
    "join_by_voucher", "propose", "castVoteWithParamsBySig", "queue", "execute", "submit",
    "accept", "reject", "submitBatch", "acceptBatch", "purchase", "settleOffchain", "claimLeaf",
    "claimLeaves", "activateLeaves", "claimMany", "claimBatches", "leave",
)
# The simulation's actions and the bench/bench_gas.py figure of the same call.
STEADY_KEY = {
    "join_by_voucher": "join_by_voucher", "submit": "submit", "accept": "accept",
    "reject": "reject", "purchase": "purchase", "settleOffchain": "settleOffchain",
    "propose": "propose", "queue": "queue", "execute": "execute", "leave": "leave",
    "claimLeaf": "batch_claim_first_leaf", "activateLeaves": "batch_activate_leaf",
    "claimBatches": "batch_claim_again",
}
# bench/gas.json's batch figures (bench/bench_gas.py) in the report's order, with their goals:
# (key, what it is, goal, check of the figure against gas.json's other figures or None).
REGISTRATION_SIZES = (16, 64, 256, 1024)


def _batch_goals(g: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    rows: list[tuple[str, str, str, bool | None]] = []
    base = g.get("batch_registration_per_contribution_16")
    for n in REGISTRATION_SIZES:
        key = f"batch_registration_per_contribution_{n}"
        if key not in g:
            continue
        goal, met = "falls as 1/N (N × figure within 10% of the 16-leaf batch's)", None
        if base:
            met = g[key] * n <= 1.1 * base * 16
        if n == 1024:
            goal, met = "≤ 1,000", g[key] <= 1_000
        rows.append((key, f"per contribution, {n:,}-leaf batch, submit and accept", goal, met))
    first = g.get("batch_claim_first_leaf")
    rows += [
        ("batch_claim_first_leaf", "a member's first claim of one leaf's revenue", "≤ 90,000",
         None if first is None else first <= 90_000),
        ("batch_claim_first_leaf_new_payee", "the same, to an account holding no USD yet",
         "reported", None),
        ("batch_claim_16_leaves_multiproof", "16 leaves' first claim, one multiproof",
         "≤ 4 × one leaf", None if not first or "batch_claim_16_leaves_multiproof" not in g
         else g["batch_claim_16_leaves_multiproof"] <= 4 * first),
        ("batch_claim_again", "claimBatches: claimed leaves again, no proof", "reported", None),
        ("batch_activate_leaf", "activateLeaves of one leaf (tokens)", "reported", None),
        ("batch_revoke_leaf", "revokeLeaf", "reported", None),
    ]
    for name, label in (("purchase_batches", "a purchase"), ("batch_claim_batches", "a claim")):
        one, many = g.get(f"{name}_1"), g.get(f"{name}_1000")
        ratio = None if not one or many is None else many / one <= 1.01
        rows += [(f"{name}_1", f"{label}, 1 accepted batch in the pool", "", None),
                 (f"{name}_1000", f"{label}, 1,000 accepted batches", "ratio to 1 ≤ 1.01",
                  ratio)]
    rows += [
        ("member_year_member_wei", "ether a member needs for a year (bench.member_year)", "0",
         None if "member_year_member_wei" not in g else g["member_year_member_wei"] == 0),
        ("member_year_relayer_gas", "gas the relayer pays for that year", "reported", None),
    ]
    return [row for row in rows if row[0] in g]


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
    names = [a for a in ordered_actions(actions) if not a.startswith("claimLeaves_")]
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
    batched = results["per_contribution"].get("batch_registration")
    if batched:
        bars.append(("Lumbung batches\n(simulation)", batched))
    largest = (gas or {}).get("gas", {}).get("batch_registration_per_contribution_1024")
    if largest:
        bars.append(("Lumbung batch\n(bench_gas, 1,024)", largest))
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
    ax.set_yscale("log")
    ax.set_ylim(bottom=100)
    ax.set_title("Registering one contribution (log scale)")
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
        f"off-chain API orders settled by the worker) and as many again before a second round "
        f"of claims, {s['proposals']} governed proposal(s). Every action is a real transaction "
        "on a fresh Anvil with the governed cooperative deployed as `make run` deploys it, in "
        "blocks 12 s apart (votes 1 s apart). Governance steps, the settlement worker's "
        "transactions and the flatness measurements are mined alone in their blocks; the others "
        "share blocks (up to 100), except that no two in a block push the same checkpoint "
        "(joins of one class, mints of contribution tokens), so each figure is the gas the "
        "transaction costs alone in its block.",
        "",
        "**The gasless path.** Members' accounts hold no ether at all, and the run checks at "
        "the end that every one still holds none and never sent a transaction. Members sign; "
        "the cooperative's gas relayer (Anvil's account 9) sends: joins (the registrar's "
        "voucher), ballots (`castVoteWithReasonAndParamsBySig`), and every other member or "
        "curator action as an ERC-2771 request through the LumbungForwarder (`submit`, "
        "`accept`/`reject`, `acceptBatch`, `claimLeaf`/`claimLeaves`, `activateLeaves`, "
        "`claimMany`, `claimBatches`, `leave`). Consent and review are EIP-712 signatures "
        "only: members sign a consent per contribution, a curator signs each review, and the "
        "aggregator (the cooperative's own account, holding AGGREGATOR_ROLE) submits one "
        "curator's reviews of one pool per batch (at most 48 leaves of a member and 1,024 "
        "reviews a batch), with the manifest's CID; the designated curator confirms it. 5% of "
        "the contributions take the single path for comparison, 5% of the reviews reject."
        + relay_limits(results),
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
    order = ["deploy", "join", "governance", "contributions", "purchases", "claims",
             "claims again", "earnings", "leave", "no ether", "member year", "flatness", "indexer"]
    names = [p for p in order if p in phases] + [p for p in phases if p not in order]
    lines += [f"| {name} | {phases[name]:,} |" for name in names]
    lines.append("")
    for note in results.get("notes", []):
        lines += [f"> **Note.** {note}", ""]

    # Gas per action.
    steady = (gas or {}).get("gas", {})
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
        ref = steady.get(STEADY_KEY.get(name, ""), None)
        lines.append(f"| `{name}` | {a['count']:,} | {a['median']:,} | {a['p95']:,} | "
                     f"{a['mean']:,.0f} | {fmt(ref)} |")
    lines += [
        "",
        "Relayed actions' figures are the relayer's whole transaction: the call plus the "
        "forwarder's signature check, nonce and quota count (some 30,000 gas more than the "
        "call sent directly; a signer's first request of a period writes a fresh quota slot). "
        "`claimLeaves_k_leaves` rows split `claimLeaves` by the number of leaves claimed at "
        "once. `settleOffchain` is the API's settlement worker's transaction. The last column "
        "is bench/bench_gas.py's figure for the same call sent directly, in a steady state (a "
        "member's second contribution, a pool's second sale); the simulation's p95 includes "
        "first-time costs (a member's first token checkpoint and units, a pool's first sale).",
        "",
    ]
    lines += batch_figures_section(gas)

    # Per contribution.
    bars = per_contribution_bars(results, gas)
    lines += ["## Cost of one contribution", "", "![per contribution](per_contribution.png)", "",
              "| | gas per contribution |", "|---|---:|"]
    lines += [f"| {label.replace(chr(10), ' ')} | {value:,} |" for label, value in bars]
    lines.append("")
    if results.get("batches"):
        lines += batch_table(results["batches"])

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
            f"| earnings (RevenueClaimed, BatchRevenueClaimed) | {d['gini_earnings']} | "
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
                  f"blocks/s, {idx['events_per_s']:,} events/s (SQLite); "
                  f"{idx.get('quarantined_logs', 0):,} logs quarantined.", ""]

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

    year = load("member_year.json")
    lines += member_year_section(year)
    lines += simulated_year_section(results.get("member_year"), year)
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


def relay_limits(results: dict[str, Any]) -> str:
    """The sentence on the forwarder's limits the run set, if it set them."""
    limits = results.get("relay_limits")
    if not limits:
        return ""
    return (
        f" The forwarder's default quota (100 requests per signer per 7 days, 1,000,000 gas a "
        f"request) is a member's, not a curator's confirming thousands of reviews in a day: the "
        f"timelock (the forwarder's admin, impersonated) raised it for the run with "
        f"`setRelayLimits` to {limits['quota']:,} requests per {limits['period_s'] // 86_400} "
        f"days and {limits['max_gas']:,} gas a request (a claim of 48 leaves asks for more "
        "than a million)."
    )


def batch_table(batches: list[dict[str, Any]]) -> list[str]:
    """The simulation's batches by pool: their sizes and what registering them cost."""
    by_pool: dict[int, list[dict[str, Any]]] = {}
    for b in batches:
        by_pool.setdefault(b["pool"], []).append(b)
    lines = ["| pool | batches | leaves | largest | rejected | submitBatch + acceptBatch | "
             "per contribution |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for pool, rows in sorted(by_pool.items()):
        leaves, gas = sum(b["leaves"] for b in rows), sum(b["gas_total"] for b in rows)
        lines.append(f"| {pool} | {len(rows):,} | {leaves:,} | "
                     f"{max(b['leaves'] for b in rows):,} | "
                     f"{sum(b['rejected'] for b in rows):,} | {gas:,} | "
                     f"{round(gas / max(1, leaves)):,} |")
    solo = sum(1 for b in batches if b["contributors"] == 1)
    return [*lines, "", "Registering a batch is `submitBatch` (the aggregator) and `acceptBatch` "
            "(the designated curator, relayed), whatever its size: its leaves earn from the "
            "acceptance without a transaction each. A member has at most 48 leaves in a batch, "
            f"so the busiest members' work fills batches of their own ({solo:,} of "
            f"{len(batches):,} batches hold one member's leaves only). Each member's claims of "
            "its leaves come later and are its own (gas per action above, and the member-year "
            "table).", ""]


def batch_figures_section(gas: dict[str, Any] | None) -> list[str]:
    """bench/gas.json's batch and relay figures (bench/bench_gas.py) against their goals."""
    lines = ["## Batch figures against their goals", ""]
    if gas is None:
        return [*lines, "bench/gas.json is missing (`python -m bench.bench_gas`).", ""]
    rows = _batch_goals(gas.get("gas", {}))
    if not rows:
        return [*lines, "bench/gas.json has no batch figures yet (`python -m bench.bench_gas`).",
                ""]
    g = gas["gas"]
    lines += ["From bench/gas.json (`python -m bench.bench_gas`, each call sent directly and "
              "measured alone).", "", "| figure | | gas | goal | met |", "|---|---|---:|---|:---:|"]
    for key, label, goal, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| `{key}` | {label} | {fmt(g[key])} | {goal} | {mark} |")
    return [*lines, ""]


def simulated_year_section(
    sim: dict[str, Any] | None, year: dict[str, Any] | None
) -> list[str]:
    """What the relayer paid for each simulated member, beside bench.member_year's member."""
    lines = ["## The simulated members' actions, paid by the relayer", ""]
    if not sim:
        return [*lines, "bench/results.json has no member-year figures (`python -m "
                "bench.simulate`).", ""]
    everyone = sim["all"]
    lines += [
        f"Per member of the simulation ({everyone['members']:,} members, "
        f"{sim['relayed_transactions']:,} relayed transactions; the simulation compresses the "
        f"year into its phases, {sim['chain_days']} days of chain time): the gas the relayer "
        "paid for the member's own actions (join, votes, single submits, claims of leaves "
        "and pots, activations, a second claim, leaving) and "
        "its cost at bench/costs.py's stated prices (above), on L1 and on an OP-stack L2 (each "
        "transaction's bytes as the chain holds them, for the L1 data fee). The ether each "
        "member needed: **0** (every account checked at the end: no balance, no transaction).",
        "",
        "| members | | transactions | gas | on L1 (Rp) | on the L2 (Rp) | ether needed |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for stat in ("median", "p95", "max", "mean"):
        lines.append(
            f"| all | {stat} | {everyone['transactions'][stat]:,} | {everyone['gas'][stat]:,} | "
            f"{everyone['l1_idr'][stat]:,.0f} | {everyone['l2_idr'][stat]:,.2f} | 0 |"
        )
    names = {"0": "producers", "1": "funders", "2": "workers", "3": "stewards"}
    for cls, spread in sim["by_class"].items():
        lines.append(
            f"| {names.get(cls, cls)} ({spread['members']:,}) | median | "
            f"{spread['transactions']['median']:,} | {spread['gas']['median']:,} | "
            f"{spread['l1_idr']['median']:,.0f} | {spread['l2_idr']['median']:,.2f} | 0 |"
        )
    lines.append(
        f"| all, in total | | {everyone['transactions']['total']:,} | "
        f"{everyone['gas']['total']:,} | {everyone['l1_idr']['total']:,.0f} | "
        f"{everyone['l2_idr']['total']:,.2f} | 0 |"
    )
    if year and "member" in year.get("totals", {}):
        member = year["totals"]["member"]
        lines.append(
            f"| bench.member_year's member (50 single contributions, 10 votes, 12 claims) | | "
            f"{member['count']:,} | {member['gas']:,} | {member['l1_idr']:,.0f} | "
            f"{member['l2_idr']:,.2f} | {fmt(year.get('member_year_member_wei'))} |"
        )
    lines += ["", "| action | transactions | gas | on L1 (Rp) | on the L2 (Rp) |",
              "|---|---:|---:|---:|---:|"]
    for action, row in sim["by_action"].items():
        lines.append(f"| `{action}` | {row['transactions']:,} | {row['gas']:,} | "
                     f"{row['l1_idr']:,.0f} | {row['l2_idr']:,.2f} |")
    other = sim["not_members"]
    return [
        *lines,
        f"| curation and the bootstrap members (not in the rows above) | "
        f"{other['transactions']:,} | {other['gas']:,} | {other['l1_idr']:,.0f} | "
        f"{other['l2_idr']:,.2f} |",
        "",
        "The simulated members contribute through batches, so registering their work costs "
        "them nothing: it is the aggregator's and the curator's, a few hundred thousand gas per "
        "batch. What the relayer pays for a member is mostly its own claims: a proof per batch "
        "it has leaves in the first time, then one `claimBatches` for all of them.",
        "",
    ]


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
