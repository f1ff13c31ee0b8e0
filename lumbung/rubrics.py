"""Curators' rubrics as a pool's metadata carries them (read by api.services.curation), and the
rubrics of the local cooperative's starter pools (scripts/local_chain.py)."""

from __future__ import annotations

import json


def rubric_metadata(*levels: tuple[int, str, str]) -> str:
    """A pool's metadata carrying its curators' rubric (api.services.curation): what a weight
    means from each level up, in English and Bahasa Indonesia."""
    rubric = [{"weight": w, "text": {"en": en, "id": id_}} for w, en, id_ in levels]
    return json.dumps({"rubric": rubric}, ensure_ascii=False, separators=(",", ":"))


# Each starter pool's metadata: its rubric (weights 1 to the default maximum, 100).
STARTER_METADATA = (
    rubric_metadata(
        (1, "Blurred or dark, but a rice field can be seen",
         "Buram atau gelap, tapi sawahnya masih terlihat"),
        (30, "Sharp photo of one plot, date known",
         "Foto tajam satu petak, tanggalnya diketahui"),
        (70, "Sharp series over the season, with plot and stage noted",
         "Rangkaian foto tajam sepanjang musim, dengan petak dan tahap tanamnya"),
    ),
    rubric_metadata(
        (1, "A few trips, times or places missing",
         "Beberapa perjalanan, waktu atau tempat ada yang kosong"),
        (30, "A full week of trips with times and modes",
         "Perjalanan satu minggu penuh dengan waktu dan kendaraannya"),
        (70, "A month or more, complete and consistent",
         "Sebulan atau lebih, lengkap dan konsisten"),
    ),
    rubric_metadata(
        (1, "A few prices without a market or date",
         "Beberapa harga tanpa nama pasar atau tanggal"),
        (30, "Prices of one market on one day, with units",
         "Harga di satu pasar pada satu hari, dengan satuannya"),
        (70, "Regular prices over weeks, several markets",
         "Harga rutin selama berminggu-minggu, dari beberapa pasar"),
    ),
)

